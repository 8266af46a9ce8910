using OpsConductor.ToolCatalog.Secrets;

namespace OpsConductor.ToolCatalog.Model;

/// <summary>
/// What the store does to a tool's secrets before it writes: every plaintext secret is sealed, the mask is replaced by
/// the stored secret at the same path, and a plaintext equal to the stored secret at the same path keeps the stored
/// envelope (so importing an unchanged file changes nothing). Nothing unsealed ever reaches a row.
/// </summary>
internal static class SecretSealer
{
    /// <summary>The tool with every secret sealed.</summary>
    /// <param name="tool">The tool to be written.</param>
    /// <param name="reference">The stored version the mask refers to: the same version when it is stored, else the latest.</param>
    /// <param name="protector">The key; null when none is configured (a tool with a new secret is then refused).</param>
    /// <exception cref="SecretKeyException">A mask with nothing stored at its path, or a plaintext secret and no key configured.</exception>
    public static ToolDefinition Seal(ToolDefinition tool, ToolDefinition? reference, ISecretProtector? protector)
    {
        Dictionary<string, SecretValue>? stored = null;
        return ToolSecrets.Map(tool, (path, secret) =>
        {
            if (secret.IsSealed)
            {
                return secret;
            }

            stored ??= reference is null ? [] : ToolSecrets.Find(reference).Where(s => s.Secret.IsSealed).ToDictionary(s => s.Path, s => s.Secret, StringComparer.Ordinal);
            var kept = stored.GetValueOrDefault(path);
            if (secret.IsMasked)
            {
                return kept ?? throw new SecretKeyException(
                    $"Tool '{tool.Name}' version '{tool.Version}': the secret at '{path}' is the mask '{SecretValue.Mask}', which means \"keep the stored value\", but "
                    + (reference is null ? "the tool has no stored version" : $"its stored version '{reference.Version}' has no secret at '{path}'")
                    + ". Write the value itself (!secret \"…\"); nothing was stored.");
            }

            if (protector is null)
            {
                throw new SecretKeyException(
                    $"Tool '{tool.Name}' version '{tool.Version}' holds a secret at '{path}', but no secrets key is configured, and a secret is only ever stored encrypted. "
                    + $"Create a key ring ('toolcatalog secrets init', or set {SecretKeyRing.PathVariable}) and give it to the store; nothing was stored.");
            }

            if (kept is not null && SameValue(kept, secret.Plaintext!, protector))
            {
                return kept;
            }

            return SecretValue.FromEnvelope(SecretCrypto.Seal(secret.Plaintext!, protector));
        });
    }

    /// <summary>The tool with every sealed secret opened to plaintext (for an export with secrets, by an admin).</summary>
    public static ToolDefinition Reveal(ToolDefinition tool, ISecretProtector protector) =>
        ToolSecrets.Map(tool, (_, secret) => secret.IsSealed ? SecretValue.FromPlaintext(secret.Reveal(protector)) : secret);

    private static bool SameValue(SecretValue stored, string plaintext, ISecretProtector protector)
    {
        try
        {
            return string.Equals(stored.Reveal(protector), plaintext, StringComparison.Ordinal);
        }
        catch (SecretKeyException)
        {
            return false; // sealed under a retired or unknown key: seal the value afresh
        }
    }
}
