import Testing
@testable import SignalingServer

@Suite struct FormQueryTests {
    @Test func decodesPlusAsSpaceAndPercentEscapes() {
        let query = FormQuery.decode("room=math-101&name=Rural+site+A&role=site&note=1%2B1%3D2&empty=&flag")
        #expect(query["name"] == "Rural site A")
        #expect(query["room"] == "math-101")
        #expect(query["note"] == "1+1=2")
        #expect(query["empty"] == "")
        #expect(query["flag"] == "")
    }
}
