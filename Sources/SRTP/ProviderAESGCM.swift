internal import COpenSSL

/// AES-128-GCM with a 12-byte IV and a 16-byte tag, keyed once, run by the cipher functions of the OpenSSL provider
/// that `EVP_CIPHER_fetch` picks (provider-cipher(7)): the functions EVP itself calls, found once and called
/// directly, with the same key schedule and assembly (AES-NI with stitched GHASH where the CPU has them).
///
/// Why not through EVP: per packet, OpenSSL 3.0's EVP layer asks the provider for the IV length (an `OSSL_PARAM`
/// query) at every init, and passes the tag through `EVP_CIPHER_CTX_ctrl`, which builds parameters for another
/// provider call. That was about 1,650 of the 5,850 instructions of one unprotect on the cold-path probe
/// (loadtest/FINDINGS.md, "The hot path, cold"). Here the tag goes in with the IV, and nothing else is asked.
struct ProviderAESGCM: ~Copyable {
    static let ivLength = 12
    static let tagLength = 16

    private let functions: Functions
    private let context: UnsafeMutableRawPointer
    /// `[tag, end]`: where the provider reads the tag from (open) or writes it to (seal); its data is set per packet.
    private let tagParameter: UnsafeMutablePointer<OSSL_PARAM>

    /// `key` is 16 bytes. Nil if OpenSSL has no AES-128-GCM or refuses the key.
    init?(key: [UInt8]) {
        guard key.count == 16, let functions = Functions.aes128GCM,
              let context = functions.newContext(functions.providerContext)
        else { return nil }
        // The direction is set again by each packet's init; keying for encryption sets the same schedule.
        guard functions.encryptInit(context, key, 16, nil, 0, nil) == 1 else {
            functions.freeContext(context)
            return nil
        }
        self.functions = functions
        self.context = context
        tagParameter = .allocate(capacity: 2)
        tagParameter[0] = OSSL_PARAM(key: cb_OSSL_CIPHER_PARAM_AEAD_TAG(), data_type: UInt32(OSSL_PARAM_OCTET_STRING),
                                     data: nil, data_size: Self.tagLength, return_size: Self.unmodified)
        tagParameter[1] = OSSL_PARAM(key: nil, data_type: 0, data: nil, data_size: 0, return_size: 0)
    }

    deinit {
        functions.freeContext(context)  // also cleanses the key schedule
        tagParameter.deallocate()
    }

    /// Encrypts `base[aadLength..<dataEnd]` in place and writes the tag at `dataEnd`. Associated data:
    /// `base[0..<aadLength]`, then the 4 bytes at `extraAAD` if any. False if OpenSSL failed.
    func seal(iv: UnsafePointer<UInt8>, _ base: UnsafeMutableRawPointer, aadLength: Int, extraAAD: UnsafeRawPointer?,
              dataEnd: Int) -> Bool {
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        guard functions.encryptInit(context, nil, 0, iv, Self.ivLength, nil) == 1,
              crypt(bytes, aadLength: aadLength, extraAAD: extraAAD, dataEnd: dataEnd)
        else { return false }
        var written = 0
        guard functions.final(context, bytes + dataEnd, &written, Self.tagLength) == 1 else { return false }
        tagParameter[0].data = base + dataEnd
        return functions.getParameters(context, tagParameter) == 1
    }

    /// Decrypts `base[aadLength..<dataEnd]` in place, the tag at `dataEnd`. `.authenticationFailed` leaves garbage
    /// where the payload was.
    func open(iv: UnsafePointer<UInt8>, _ base: UnsafeMutableRawPointer, aadLength: Int, extraAAD: UnsafeRawPointer?,
              dataEnd: Int) -> OpenResult {
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        tagParameter[0].data = base + dataEnd
        guard functions.decryptInit(context, nil, 0, iv, Self.ivLength, tagParameter) == 1,
              crypt(bytes, aadLength: aadLength, extraAAD: extraAAD, dataEnd: dataEnd)
        else { return .failed }
        var written = 0
        // Final checks the tag.
        return functions.final(context, bytes + dataEnd, &written, Self.tagLength) == 1 ? .opened : .authenticationFailed
    }

    enum OpenResult { case opened, authenticationFailed, failed }

    /// The associated data, then the payload in place (direction as the last init set it).
    @inline(__always)
    private func crypt(_ bytes: UnsafeMutablePointer<UInt8>, aadLength: Int, extraAAD: UnsafeRawPointer?,
                       dataEnd: Int) -> Bool {
        var written = 0
        // A nil output makes the input associated data.
        guard functions.update(context, nil, &written, aadLength, bytes, aadLength) == 1 else { return false }
        if let extraAAD {
            guard functions.update(context, nil, &written, 4, extraAAD.assumingMemoryBound(to: UInt8.self), 4) == 1
            else { return false }
        }
        let payloadLength = dataEnd - aadLength
        guard payloadLength > 0 else { return true }
        return functions.update(context, bytes + aadLength, &written, payloadLength, bytes + aadLength,
                                payloadLength) == 1
    }

    /// `OSSL_PARAM_UNMODIFIED` (`SIZE_MAX`, as `size_t` imports), which Swift does not import.
    private static var unmodified: Int { -1 }
}

/// One provider's AES-128-GCM functions and the provider's own context.
private struct Functions: @unchecked Sendable {  // immutable; a provider's functions and context serve any thread
    let providerContext: UnsafeMutableRawPointer?
    let newContext: OSSL_FUNC_cipher_newctx_fn
    let freeContext: OSSL_FUNC_cipher_freectx_fn
    let encryptInit: OSSL_FUNC_cipher_encrypt_init_fn
    let decryptInit: OSSL_FUNC_cipher_decrypt_init_fn
    let update: OSSL_FUNC_cipher_update_fn
    let final: OSSL_FUNC_cipher_final_fn
    let getParameters: OSSL_FUNC_cipher_get_ctx_params_fn

    /// Nil if no provider offers AES-128-GCM with all the functions used.
    static let aes128GCM: Functions? = find(name: "AES-128-GCM")

    private static func find(name: String) -> Functions? {
        // The fetched cipher is kept for the process's life: it holds the provider loaded, and so these functions.
        guard let cipher = EVP_CIPHER_fetch(nil, name, nil), let provider = EVP_CIPHER_get0_provider(cipher) else {
            return nil
        }
        var noCache: Int32 = 0
        guard let algorithms = OSSL_PROVIDER_query_operation(provider, OSSL_OP_CIPHER, &noCache) else { return nil }
        defer { OSSL_PROVIDER_unquery_operation(provider, OSSL_OP_CIPHER, algorithms) }
        var index = 0
        while let names = algorithms[index].algorithm_names {
            defer { index += 1 }
            // "AES-128-GCM:id-aes128-GCM:2.16.840.1.101.3.4.1.6"
            guard String(cString: names).split(separator: ":").contains(where: { $0.uppercased() == name }),
                  let dispatch = algorithms[index].implementation
            else { continue }
            return Functions(provider: provider, dispatch)
        }
        return nil
    }

    private init?(provider: OpaquePointer, _ dispatch: UnsafePointer<OSSL_DISPATCH>) {
        var table: [Int32: UnsafePointer<OSSL_DISPATCH>] = [:]
        var entry = dispatch
        while entry.pointee.function_id != 0 {
            table[entry.pointee.function_id] = entry
            entry += 1
        }
        guard let newContext = table[OSSL_FUNC_CIPHER_NEWCTX].flatMap(OSSL_FUNC_cipher_newctx),
              let freeContext = table[OSSL_FUNC_CIPHER_FREECTX].flatMap(OSSL_FUNC_cipher_freectx),
              let encryptInit = table[OSSL_FUNC_CIPHER_ENCRYPT_INIT].flatMap(OSSL_FUNC_cipher_encrypt_init),
              let decryptInit = table[OSSL_FUNC_CIPHER_DECRYPT_INIT].flatMap(OSSL_FUNC_cipher_decrypt_init),
              let update = table[OSSL_FUNC_CIPHER_UPDATE].flatMap(OSSL_FUNC_cipher_update),
              let final = table[OSSL_FUNC_CIPHER_FINAL].flatMap(OSSL_FUNC_cipher_final),
              let getParameters = table[OSSL_FUNC_CIPHER_GET_CTX_PARAMS].flatMap(OSSL_FUNC_cipher_get_ctx_params)
        else { return nil }
        providerContext = OSSL_PROVIDER_get0_provider_ctx(provider)
        self.newContext = newContext
        self.freeContext = freeContext
        self.encryptInit = encryptInit
        self.decryptInit = decryptInit
        self.update = update
        self.final = final
        self.getParameters = getParameters
    }
}
