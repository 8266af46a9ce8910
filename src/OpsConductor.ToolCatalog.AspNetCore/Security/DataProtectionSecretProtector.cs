using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using OpsConductor.ToolCatalog.Secrets;

namespace OpsConductor.ToolCatalog.AspNetCore.Security;

/// <summary>
/// Wraps secrets' data keys with ASP.NET Core Data Protection, for hosts that already run it (its key ring, storage,
/// key encryption at rest and automatic key rolling). The key id envelopes carry is <c>dp-</c> followed by the id of
/// Data Protection's current default key, so <c>RewrapSecretsAsync</c> after Data Protection rolled its key re-wraps
/// every value under the new one; unwrapping uses whichever key the payload names (Data Protection keeps old keys until
/// they are deleted: values then stop opening, so re-wrap before deleting keys).
/// </summary>
public sealed class DataProtectionSecretProtector : ISecretProtector
{
    /// <summary>The Data Protection purpose string of the catalog's data keys.</summary>
    public const string Purpose = "OpsConductor.ToolCatalog.Secrets.DataKey.v1";

    private readonly IDataProtector _protector;
    private readonly IKeyManager? _keys;
    private readonly TimeProvider _time;

    /// <summary>Creates the protector over the host's Data Protection.</summary>
    /// <param name="provider">The host's Data Protection provider.</param>
    /// <param name="keys">Its key manager (to name the current key); when null, the key id is the constant <c>dp</c>.</param>
    /// <param name="timeProvider">The clock that decides which key is current.</param>
    public DataProtectionSecretProtector(IDataProtectionProvider provider, IKeyManager? keys = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(provider);
        _protector = provider.CreateProtector(Purpose);
        _keys = keys;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public string CurrentKeyId
    {
        get
        {
            var now = _time.GetUtcNow();
            var current = _keys?.GetAllKeys()
                .Where(k => !k.IsRevoked && k.ActivationDate <= now && k.ExpirationDate > now)
                .OrderByDescending(k => k.ActivationDate)
                .FirstOrDefault();
            return current is null ? "dp" : "dp-" + current.KeyId.ToString("N");
        }
    }

    /// <inheritdoc />
    public WrappedKey WrapKey(ReadOnlySpan<byte> dataKey) => new(CurrentKeyId, _protector.Protect(dataKey.ToArray()));

    /// <inheritdoc />
    public byte[] UnwrapKey(string keyId, ReadOnlySpan<byte> wrappedKey)
    {
        try
        {
            return _protector.Unprotect(wrappedKey.ToArray());
        }
        catch (CryptographicException e)
        {
            throw new SecretKeyException($"A data key wrapped by Data Protection (key '{keyId}') does not unwrap: {e.Message}", e);
        }
    }
}
