using OpsConductor.ToolCatalog.Secrets;

namespace OpsConductor.ToolCatalog.Cli.Configuration;

/// <summary>
/// The key ring that seals secret values for the CLI: the file named by <c>$TOOLCATALOG_SECRETS_KEYRING</c>, else the
/// configuration file's <c>secrets_keyring</c>, else <c>secrets-keyring.json</c> in the data folder (beside the private
/// server). With the private server the file is created (mode 0600) on first use; with a server of your own it is
/// created by <c>toolcatalog secrets init</c>. Without a key ring, reads work (secrets show masked) and a write holding
/// a new secret is refused. The CLI has direct database access, so it acts as an administrator: with the key ring it can
/// reveal secrets (<c>export --include-secrets</c>).
/// </summary>
internal static class SecretKeys
{
    public const string FileName = "secrets-keyring.json";

    /// <summary>Where the key ring is (whether or not it exists).</summary>
    /// <exception cref="CliException">No location can be determined (no variable, no configuration, no home folder).</exception>
    public static string ResolvePath(CliContext context)
    {
        var fromEnvironment = context.GetEnvironmentVariable(SecretKeyRing.PathVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return context.ResolvePath(fromEnvironment);
        }

        var settings = CliSettings.Load(context);
        return settings.SecretsKeyRing ?? Path.Combine(settings.ResolveDataDirectory(context), FileName);
    }

    /// <summary>The key ring for a store over <paramref name="connection"/>: loaded when the file exists, created for the
    /// private server on first use, else null.</summary>
    /// <exception cref="SecretKeyException">The file exists but is not a valid key ring.</exception>
    public static ISecretProtector? Open(CliContext context, CatalogConnection connection)
    {
        string path;
        try
        {
            path = ResolvePath(context);
        }
        catch (CliException) when (connection.Source != ConnectionSource.Embedded)
        {
            return null;
        }

        if (File.Exists(path))
        {
            return SecretKeyRing.Load(path);
        }

        if (connection.Source != ConnectionSource.Embedded)
        {
            return null;
        }

        var ring = SecretKeyRing.Create(context.TimeProvider);
        ring.Save(path);
        return ring;
    }
}
