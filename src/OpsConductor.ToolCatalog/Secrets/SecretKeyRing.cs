using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpsConductor.ToolCatalog.Secrets;

/// <summary>One key of a <see cref="SecretKeyRing"/>, without its material.</summary>
/// <param name="KeyId">The key id envelopes name (<c>kid</c>).</param>
/// <param name="Created">When the key was made.</param>
/// <param name="Retired">When it was retired (its material is then gone), or null while it can unwrap.</param>
public sealed record SecretKeyInfo(string KeyId, DateTimeOffset Created, DateTimeOffset? Retired);

/// <summary>
/// A key-ring FILE of key-encryption keys (256-bit AES keys that wrap secrets' data keys with AES-GCM), as JSON:
/// <c>{"format":1,"keys":[{"kid":…,"created":…,"retired":null,"key":"base64"}]}</c>. The current key is the last one
/// that is not retired; every unretired key still unwraps, so values sealed before a rotation stay readable until
/// their key is retired (retiring removes the key's material from the file). An instance is an immutable snapshot
/// of the file, safe to share between threads; <see cref="Save"/> writes the file atomically with mode 0600.
/// </summary>
public sealed class SecretKeyRing : ISecretProtector
{
    /// <summary>The environment variable that names the key-ring file (the CLI reads it).</summary>
    public const string PathVariable = "TOOLCATALOG_SECRETS_KEYRING";

    private const int KeySize = 32;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly Entry[] _entries;

    private SecretKeyRing(Entry[] entries) => _entries = entries;

    /// <summary>The keys, oldest first, without their material.</summary>
    public IReadOnlyList<SecretKeyInfo> Keys => [.. _entries.Select(e => new SecretKeyInfo(e.Id, e.Created, e.Retired))];

    /// <inheritdoc />
    public string CurrentKeyId => Current().Id;

    /// <summary>A new ring with one fresh key.</summary>
    public static SecretKeyRing Create(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        return new SecretKeyRing([NewEntry(timeProvider, [])]);
    }

    /// <summary>Reads a key-ring file.</summary>
    /// <exception cref="SecretKeyException">The file is missing, unreadable or not a key ring; the message names the file and what is wrong.</exception>
    public static SecretKeyRing Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string text;
        try
        {
            text = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SecretKeyException($"The secrets key ring '{path}' cannot be read: {e.Message} (create one with 'toolcatalog secrets init').", e);
        }

        try
        {
            var root = JsonNode.Parse(text) as JsonObject ?? throw Bad(path, "the file is not a JSON object");
            if (root["format"]?.GetValue<int>() != 1)
            {
                throw Bad(path, "its 'format' is not 1");
            }

            var entries = new List<Entry>();
            foreach (var node in root["keys"] as JsonArray ?? throw Bad(path, "it has no 'keys' list"))
            {
                var kid = node?["kid"]?.GetValue<string>() ?? throw Bad(path, "a key has no 'kid'");
                var created = DateTimeOffset.Parse(node["created"]?.GetValue<string>() ?? throw Bad(path, $"key '{kid}' has no 'created'"), CultureInfo.InvariantCulture);
                var retiredText = node["retired"]?.GetValue<string>();
                var keyText = node["key"]?.GetValue<string>();
                var material = keyText is null ? null : Convert.FromBase64String(keyText);
                if (retiredText is null && material?.Length != KeySize)
                {
                    throw Bad(path, $"key '{kid}' is not retired but has no 256-bit 'key' (base64 of 32 bytes)");
                }

                if (entries.Any(e => e.Id == kid))
                {
                    throw Bad(path, $"the key id '{kid}' appears twice");
                }

                entries.Add(new Entry(kid, created, retiredText is null ? null : DateTimeOffset.Parse(retiredText, CultureInfo.InvariantCulture), retiredText is null ? material : null));
            }

            var ring = new SecretKeyRing([.. entries]);
            _ = ring.Current();
            return ring;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw Bad(path, e.Message);
        }
    }

    /// <summary>This ring with a new current key added (the rotation's first step; older keys still unwrap).</summary>
    public SecretKeyRing WithNewKey(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        return new SecretKeyRing([.. _entries, NewEntry(timeProvider, _entries)]);
    }

    /// <summary>This ring with <paramref name="keyId"/> retired: its material is dropped, so nothing sealed under it opens any more.</summary>
    /// <exception cref="SecretKeyException">The key is unknown, retired already, or the current key.</exception>
    public SecretKeyRing WithRetired(string keyId, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var at = Array.FindIndex(_entries, e => e.Id == keyId);
        if (at < 0)
        {
            throw new SecretKeyException($"The key ring has no key '{keyId}'; its keys: {string.Join(", ", _entries.Select(e => e.Id))}.");
        }

        if (_entries[at].Retired is not null)
        {
            throw new SecretKeyException($"Key '{keyId}' is retired already.");
        }

        if (keyId == CurrentKeyId)
        {
            throw new SecretKeyException($"Key '{keyId}' is the current key; rotate first ('toolcatalog secrets rotate'), then retire it.");
        }

        var entries = (Entry[])_entries.Clone();
        entries[at] = entries[at] with { Retired = timeProvider.GetUtcNow(), Material = null };
        return new SecretKeyRing(entries);
    }

    /// <summary>Writes the ring to <paramref name="path"/> atomically (a temporary file renamed over it), readable and writable by the owner only (0600).</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var keys = new JsonArray();
        foreach (var e in _entries)
        {
            keys.Add(new JsonObject
            {
                ["kid"] = e.Id,
                ["created"] = e.Created.ToString("O", CultureInfo.InvariantCulture),
                ["retired"] = e.Retired?.ToString("O", CultureInfo.InvariantCulture),
                ["key"] = e.Material is null ? null : Convert.ToBase64String(e.Material),
            });
        }

        var text = new JsonObject { ["format"] = 1, ["keys"] = keys }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        {
            stream.Write(Encoding.UTF8.GetBytes(text));
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <inheritdoc />
    public WrappedKey WrapKey(ReadOnlySpan<byte> dataKey)
    {
        var key = Current();
        var output = new byte[NonceSize + dataKey.Length + TagSize];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(key.Material!, TagSize))
        {
            aes.Encrypt(nonce, dataKey, output.AsSpan(NonceSize, dataKey.Length), output.AsSpan(NonceSize + dataKey.Length), Encoding.UTF8.GetBytes(key.Id));
        }

        return new WrappedKey(key.Id, output);
    }

    /// <inheritdoc />
    public byte[] UnwrapKey(string keyId, ReadOnlySpan<byte> wrappedKey)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        var key = _entries.FirstOrDefault(e => e.Id == keyId)
            ?? throw new SecretKeyException($"A secret is sealed under key '{keyId}', which this key ring does not have (its keys: {string.Join(", ", _entries.Select(e => e.Id))}).");
        if (key.Material is null)
        {
            throw new SecretKeyException($"A secret is sealed under key '{keyId}', which was retired; its value cannot be opened any more.");
        }

        if (wrappedKey.Length <= NonceSize + TagSize)
        {
            throw new SecretKeyException($"A data key wrapped under key '{keyId}' is too short to be one.");
        }

        var length = wrappedKey.Length - NonceSize - TagSize;
        var dataKey = new byte[length];
        try
        {
            using var aes = new AesGcm(key.Material, TagSize);
            aes.Decrypt(wrappedKey[..NonceSize], wrappedKey.Slice(NonceSize, length), wrappedKey[(NonceSize + length)..], dataKey, Encoding.UTF8.GetBytes(key.Id));
            return dataKey;
        }
        catch (CryptographicException e)
        {
            throw new SecretKeyException($"A data key wrapped under key '{keyId}' does not unwrap with that key (it was changed, or the key ring's key was replaced).", e);
        }
    }

    /// <summary>The key ids and dates only.</summary>
    public override string ToString() => $"key ring: {string.Join(", ", _entries.Select(e => e.Retired is null ? e.Id : e.Id + " (retired)"))}";

    private Entry Current() =>
        _entries.LastOrDefault(e => e.Retired is null && e.Material is not null)
        ?? throw new SecretKeyException("The key ring has no key that is not retired; add one with 'toolcatalog secrets rotate'.");

    private static Entry NewEntry(TimeProvider timeProvider, Entry[] existing)
    {
        var now = timeProvider.GetUtcNow();
        string id;
        do
        {
            id = "k" + now.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        }
        while (existing.Any(e => e.Id == id));

        return new Entry(id, now, null, RandomNumberGenerator.GetBytes(KeySize));
    }

    private static SecretKeyException Bad(string path, string what) =>
        new($"The secrets key ring '{path}' is not a valid key ring: {what}.");

    private sealed record Entry(string Id, DateTimeOffset Created, DateTimeOffset? Retired, byte[]? Material);
}
