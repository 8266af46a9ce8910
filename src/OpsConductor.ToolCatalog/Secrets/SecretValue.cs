using System.Diagnostics;

namespace OpsConductor.ToolCatalog.Secrets;

/// <summary>
/// A secret held in free-form data (<c>DataKind.Secret</c>; <c>!secret</c> in YAML). It is one of three things:
/// <b>plaintext</b>, as read from a file or an API body, before the store seals it; <b>sealed</b>, an envelope
/// (<see cref="SecretEnvelope"/>) as read from the store, which only a holder of the key can open
/// (<see cref="Reveal"/>); or the <b>mask</b> (<see cref="Mask"/>), the placeholder that <c>show</c>, exports and the
/// API write instead of the value, and that an import reads back as "keep the stored value".
/// </summary>
/// <remarks>
/// <para><see cref="ToString"/>, the debugger display and every message of the library show the mask, never the
/// plaintext. Only <see cref="Reveal"/> (with the key) and the YAML writer given a revealed tool produce it.</para>
/// <para>Equality: two plaintext secrets are equal when their text is (ordinal); two sealed secrets are equal when their
/// ciphertext is (nonce, ciphertext and tag: the same encrypted value, whichever key wraps its data key, so re-wrapping
/// under a new key changes nothing); masks equal masks. A plaintext secret never equals a sealed one: comparing them
/// takes the key (the store does that when it decides whether an imported secret is the stored one).</para>
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class SecretValue : IEquatable<SecretValue>
{
    /// <summary>What <c>show</c>, exports, the API and logs write instead of a secret's value.</summary>
    public const string Mask = "********";

    private readonly string? _plaintext;

    private SecretValue(string? plaintext, SecretEnvelope? envelope)
    {
        _plaintext = plaintext;
        Envelope = envelope;
    }

    /// <summary>The mask: "the value stored already" (an export's placeholder read back).</summary>
    public static SecretValue Masked { get; } = new(null, null);

    /// <summary>A secret given in plain text (to be sealed by the store before it is written).</summary>
    public static SecretValue FromPlaintext(string plaintext)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        return new(plaintext, null);
    }

    /// <summary>A sealed secret (as the store keeps it).</summary>
    public static SecretValue FromEnvelope(SecretEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        return new(null, envelope);
    }

    /// <summary>Whether this is a sealed envelope.</summary>
    public bool IsSealed => Envelope is not null;

    /// <summary>Whether this is the mask placeholder.</summary>
    public bool IsMasked => Envelope is null && _plaintext is null;

    /// <summary>Whether this holds plain text (read from a file or body, or revealed).</summary>
    public bool IsPlaintext => _plaintext is not null;

    /// <summary>The envelope of a sealed secret; null otherwise.</summary>
    public SecretEnvelope? Envelope { get; }

    /// <summary>The plain text of a plaintext secret (internal: only the sealer and the YAML writer read it).</summary>
    internal string? Plaintext => _plaintext;

    /// <summary>The secret's plain text: as held when plaintext, opened with <paramref name="protector"/>'s key when sealed.</summary>
    /// <exception cref="InvalidOperationException">This is the mask (there is no value to reveal).</exception>
    /// <exception cref="SecretKeyException">The key that wraps the value is not in the protector's key ring, or the envelope was tampered with.</exception>
    public string Reveal(ISecretProtector protector)
    {
        ArgumentNullException.ThrowIfNull(protector);
        if (_plaintext is not null)
        {
            return _plaintext;
        }

        return Envelope is { } envelope
            ? SecretCrypto.Open(envelope, protector)
            : throw new InvalidOperationException("The secret is the mask '" + Mask + "'; there is no value to reveal.");
    }

    /// <inheritdoc />
    public bool Equals(SecretValue? other)
    {
        if (other is null)
        {
            return false;
        }

        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (_plaintext is not null || other._plaintext is not null)
        {
            return string.Equals(_plaintext, other._plaintext, StringComparison.Ordinal);
        }

        return Envelope is null ? other.Envelope is null : other.Envelope is not null && Envelope.SameCiphertext(other.Envelope);
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as SecretValue);

    /// <inheritdoc />
    public override int GetHashCode() =>
        _plaintext is not null ? StringComparer.Ordinal.GetHashCode(_plaintext) : Envelope is { } e ? StringComparer.Ordinal.GetHashCode(e.Ciphertext) : 0;

    /// <summary>Always the mask: a secret never shows in text.</summary>
    public override string ToString() => Mask;
}

/// <summary>
/// A sealed secret as stored: the value encrypted with its own random 256-bit data key (AES-256-GCM: <see cref="Nonce"/>,
/// <see cref="Ciphertext"/>, <see cref="Tag"/>), and that data key wrapped by the key-encryption key
/// <see cref="KeyId"/> (<see cref="WrappedKey"/>). Byte fields are base64. In JSON:
/// <c>{"$secret":{"kid":…,"dek":…,"iv":…,"ct":…,"tag":…}}</c>.
/// </summary>
/// <param name="KeyId">The key-encryption key that wraps the data key.</param>
/// <param name="WrappedKey">The data key, wrapped (base64).</param>
/// <param name="Nonce">The AES-GCM nonce (base64, 12 bytes).</param>
/// <param name="Ciphertext">The encrypted UTF-8 value (base64).</param>
/// <param name="Tag">The AES-GCM authentication tag (base64, 16 bytes).</param>
public sealed record SecretEnvelope(string KeyId, string WrappedKey, string Nonce, string Ciphertext, string Tag)
{
    /// <summary>Whether both hold the same encrypted value (whichever key wraps the data key).</summary>
    public bool SameCiphertext(SecretEnvelope other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return string.Equals(Nonce, other.Nonce, StringComparison.Ordinal)
            && string.Equals(Ciphertext, other.Ciphertext, StringComparison.Ordinal)
            && string.Equals(Tag, other.Tag, StringComparison.Ordinal);
    }

    /// <summary>The key id only: an envelope's bytes are not shown in text.</summary>
    public override string ToString() => $"secret sealed under key '{KeyId}'";
}
