namespace OpsConductor.ToolCatalog.Secrets;

/// <summary>
/// The key-encryption side of envelope encryption: wraps a secret's random data key under the current key-encryption
/// key and unwraps it again under the key it names. The catalog never holds a key-encryption key itself; a host gives
/// the store one of these (<see cref="SecretKeyRing"/>, a key-ring file; or the ASP.NET Core Data Protection one in
/// <c>OpsConductor.ToolCatalog.AspNetCore</c>). Implementations must be safe to share between threads.
/// </summary>
public interface ISecretProtector
{
    /// <summary>The id of the key new data keys are wrapped under.</summary>
    string CurrentKeyId { get; }

    /// <summary>Wraps <paramref name="dataKey"/> under the current key.</summary>
    WrappedKey WrapKey(ReadOnlySpan<byte> dataKey);

    /// <summary>Unwraps a data key wrapped under <paramref name="keyId"/>.</summary>
    /// <exception cref="SecretKeyException">The key is unknown or retired, or the wrapped key was tampered with.</exception>
    byte[] UnwrapKey(string keyId, ReadOnlySpan<byte> wrappedKey);
}

/// <summary>A data key wrapped under the key-encryption key <paramref name="KeyId"/>.</summary>
/// <param name="KeyId">The key-encryption key used.</param>
/// <param name="Bytes">The wrapped data key.</param>
public readonly record struct WrappedKey(string KeyId, ReadOnlyMemory<byte> Bytes);

/// <summary>A secret cannot be sealed or opened: no key configured, an unknown or retired key, a tampered envelope.
/// The message names the key and never the value.</summary>
public sealed class SecretKeyException : ToolCatalogException
{
    /// <summary>Creates the exception.</summary>
    public SecretKeyException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public SecretKeyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public SecretKeyException()
        : base("A secret could not be sealed or opened.")
    {
    }
}
