using System.Security.Cryptography;
using System.Text;

namespace OpsConductor.ToolCatalog.Secrets;

/// <summary>
/// Envelope encryption of one value: a fresh 256-bit data key per value, AES-256-GCM with a random 96-bit nonce and a
/// 128-bit tag (associated data: a fixed label of this format), the data key wrapped by the protector's current key.
/// </summary>
internal static class SecretCrypto
{
    private const int KeySize = 32;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly byte[] Label = "opsconductor-toolcatalog-secret/v1"u8.ToArray();

    public static SecretEnvelope Seal(string plaintext, ISecretProtector protector)
    {
        var dataKey = RandomNumberGenerator.GetBytes(KeySize);
        try
        {
            var nonce = RandomNumberGenerator.GetBytes(NonceSize);
            var clear = Encoding.UTF8.GetBytes(plaintext);
            var cipher = new byte[clear.Length];
            var tag = new byte[TagSize];
            using (var aes = new AesGcm(dataKey, TagSize))
            {
                aes.Encrypt(nonce, clear, cipher, tag, Label);
            }

            CryptographicOperations.ZeroMemory(clear);
            var wrapped = protector.WrapKey(dataKey);
            return new SecretEnvelope(wrapped.KeyId, Convert.ToBase64String(wrapped.Bytes.Span), Convert.ToBase64String(nonce), Convert.ToBase64String(cipher), Convert.ToBase64String(tag));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    public static string Open(SecretEnvelope envelope, ISecretProtector protector)
    {
        var dataKey = Unwrap(envelope, protector);
        try
        {
            var nonce = Decode(envelope, envelope.Nonce, "iv");
            var cipher = Decode(envelope, envelope.Ciphertext, "ct");
            var tag = Decode(envelope, envelope.Tag, "tag");
            if (dataKey.Length != KeySize || nonce.Length != NonceSize || tag.Length != TagSize)
            {
                throw new SecretKeyException($"The secret sealed under key '{envelope.KeyId}' is malformed (a data key, nonce or tag of the wrong length).");
            }

            var clear = new byte[cipher.Length];
            using (var aes = new AesGcm(dataKey, TagSize))
            {
                aes.Decrypt(nonce, cipher, tag, clear, Label);
            }

            return Encoding.UTF8.GetString(clear);
        }
        catch (CryptographicException e)
        {
            throw new SecretKeyException($"The secret sealed under key '{envelope.KeyId}' cannot be opened: its ciphertext or tag was changed (authentication failed).", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    /// <summary>The same encrypted value with its data key wrapped under the protector's current key (unchanged when it is already).</summary>
    public static SecretEnvelope Rewrap(SecretEnvelope envelope, ISecretProtector protector)
    {
        if (string.Equals(envelope.KeyId, protector.CurrentKeyId, StringComparison.Ordinal))
        {
            return envelope;
        }

        var dataKey = Unwrap(envelope, protector);
        try
        {
            var wrapped = protector.WrapKey(dataKey);
            return envelope with { KeyId = wrapped.KeyId, WrappedKey = Convert.ToBase64String(wrapped.Bytes.Span) };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    private static byte[] Unwrap(SecretEnvelope envelope, ISecretProtector protector) =>
        protector.UnwrapKey(envelope.KeyId, Decode(envelope, envelope.WrappedKey, "dek"));

    private static byte[] Decode(SecretEnvelope envelope, string base64, string field)
    {
        try
        {
            return Convert.FromBase64String(base64);
        }
        catch (FormatException e)
        {
            throw new SecretKeyException($"The secret sealed under key '{envelope.KeyId}' is malformed: its field '{field}' is not base64.", e);
        }
    }
}
