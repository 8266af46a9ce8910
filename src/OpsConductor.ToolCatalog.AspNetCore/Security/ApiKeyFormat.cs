using System.Security.Cryptography;
using System.Text;

namespace OpsConductor.ToolCatalog.AspNetCore.Security;

/// <summary>
/// The shape of a key: <c>tc_</c>, an 8-character id that finds the row, <c>_</c>, and a 32-character secret, both drawn
/// from <see cref="RandomNumberGenerator"/> over the 62 letters and digits (about 190 bits of secret). The store keeps
/// the SHA-256 of the whole key: a key this random cannot be found from its hash, so no slow password hash is needed.
/// </summary>
internal static class ApiKeyFormat
{
    public const string Prefix = "tc_";
    public const int IdLength = 8;
    public const int SecretLength = 32;
    public const int Length = 3 + IdLength + 1 + SecretLength;

    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>A new random key and its id.</summary>
    public static (string Key, string KeyId) Generate()
    {
        var id = RandomNumberGenerator.GetString(Alphabet, IdLength);
        var secret = RandomNumberGenerator.GetString(Alphabet, SecretLength);
        return (Prefix + id + "_" + secret, id);
    }

    /// <summary>Whether <paramref name="value"/> looks like one of our keys (the <c>tc_</c> prefix), so that sign-in reads it as a key, not as a token.</summary>
    public static bool LooksLikeKey(ReadOnlySpan<char> value) => value.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The id of a well-formed key, or null for anything else.</summary>
    public static string? TryGetId(string key)
    {
        if (key.Length != Length || !LooksLikeKey(key) || key[3 + IdLength] != '_')
        {
            return null;
        }

        foreach (var c in key.AsSpan(3, IdLength))
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return null;
            }
        }

        foreach (var c in key.AsSpan(3 + IdLength + 1))
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return null;
            }
        }

        return key.Substring(3, IdLength);
    }

    /// <summary>The stored hash of a key.</summary>
    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>Whether <paramref name="key"/> hashes to <paramref name="storedHash"/>, in time that does not depend on where they differ.</summary>
    public static bool Matches(string key, byte[] storedHash) => CryptographicOperations.FixedTimeEquals(Hash(key), storedHash);
}
