extension String {
    /// The text `bytes` spell in UTF-8, or nil when they are not valid UTF-8 (RFC 3629:
    /// no overlong forms, no UTF-16 surrogates, nothing above U+10FFFF, no truncated
    /// sequence). Accepts exactly what `String(validating: bytes, as: UTF8.self)` accepts.
    ///
    /// Made for the decoders' hot paths: `String(validating:as:)` is generic over the
    /// encoding and is not specialised in client code, so every call looked up type
    /// metadata at run time (about 2,000 instructions per change in a merge, measured with
    /// callgrind). Decoding repairs invalid input, putting U+FFFD in place of every bad
    /// sequence, so the result spells the input byte for byte exactly when the input was
    /// valid: at the first bad byte the repaired text has the bytes EF BF BD, which the
    /// input there cannot have (they would be a valid sequence).
    public init?(validatingUTF8Bytes bytes: ArraySlice<UInt8>) {
        let text = bytes.withUnsafeBufferPointer { input -> String? in
            var decoded = String(decoding: input, as: UTF8.self)
            let same = decoded.withUTF8 { output in
                guard output.count == input.count else { return false }
                // A plain loop: `elementsEqual` through iterators cost about 15 instructions a byte.
                for index in 0..<output.count where output[index] != input[index] { return false }
                return true
            }
            return same ? decoded : nil
        }
        guard let text else { return nil }
        self = text
    }

    /// `init?(validatingUTF8Bytes:)` for a whole array.
    public init?(validatingUTF8Bytes bytes: [UInt8]) {
        self.init(validatingUTF8Bytes: bytes[...])
    }
}
