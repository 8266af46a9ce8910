using System.Text.Json;

namespace OpsConductor.ToolCatalog.Cli.Configuration;

/// <summary>A problem the user must fix before the command can run (bad configuration, missing answer, …), with the
/// exit code to use: <see cref="ExitCodes.Usage"/> unless said otherwise.</summary>
internal sealed class CliException(string message, int exitCode = ExitCodes.Usage) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>
/// The <c>toolcatalog</c> settings that do not come from the command line: the configuration file
/// (<c>$TOOLCATALOG_CONFIG</c>, else <c>$XDG_CONFIG_HOME/opsconductor-toolcatalog/config.json</c>, else
/// <c>~/.config/opsconductor-toolcatalog/config.json</c>) with the keys <c>connection</c> and <c>data_dir</c>, and the
/// environment variables that override it. Everything is read through <see cref="CliContext.GetEnvironmentVariable"/>,
/// so tests never see the real user's files.
/// </summary>
internal sealed record CliSettings
{
    public const string ConnectionVariable = "TOOLCATALOG_CONNECTION";
    public const string ConfigVariable = "TOOLCATALOG_CONFIG";
    public const string DataDirectoryVariable = "TOOLCATALOG_DATA_DIR";
    public const string PostgresBinVariable = "TOOLCATALOG_PG_BIN";
    public const string AppFolder = "opsconductor-toolcatalog";

    private static readonly JsonDocumentOptions JsonOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    /// <summary>The configuration file consulted (whether or not it exists); null when no home folder is known.</summary>
    public string? ConfigFile { get; init; }

    /// <summary>Whether <see cref="ConfigFile"/> exists and was read.</summary>
    public bool ConfigFileFound { get; init; }

    /// <summary>The file's <c>connection</c>.</summary>
    public string? Connection { get; init; }

    /// <summary>The file's <c>data_dir</c>.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>The file's <c>secrets_keyring</c>: the key-ring file that seals secret values (see <see cref="SecretKeys"/>).</summary>
    public string? SecretsKeyRing { get; init; }

    /// <summary>Where the configuration file is looked for.</summary>
    public static string? FindConfigFile(CliContext context)
    {
        var explicitFile = context.GetEnvironmentVariable(ConfigVariable);
        if (!string.IsNullOrWhiteSpace(explicitFile))
        {
            return context.ResolvePath(explicitFile);
        }

        var configHome = context.GetEnvironmentVariable("XDG_CONFIG_HOME");
        if (string.IsNullOrWhiteSpace(configHome))
        {
            var home = context.GetEnvironmentVariable("HOME");
            if (string.IsNullOrWhiteSpace(home))
            {
                return null;
            }

            configHome = Path.Combine(home, ".config");
        }

        return Path.Combine(configHome, AppFolder, "config.json");
    }

    /// <summary>Reads the configuration file when there is one.</summary>
    /// <exception cref="CliException">The file exists but is not valid (the message names the file, line and key).</exception>
    public static CliSettings Load(CliContext context)
    {
        var file = FindConfigFile(context);
        if (file is null || !File.Exists(file))
        {
            if (file is not null && !string.IsNullOrWhiteSpace(context.GetEnvironmentVariable(ConfigVariable)))
            {
                throw new CliException($"the configuration file '{file}' named by {ConfigVariable} does not exist. Create it or unset {ConfigVariable}.");
            }

            return new CliSettings { ConfigFile = file };
        }

        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"the configuration file '{file}' cannot be read: {e.Message}");
        }

        try
        {
            using var json = JsonDocument.Parse(text, JsonOptions);
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new CliException($"the configuration file '{file}' must hold a JSON object such as {{\"connection\": \"Host=…;Username=…;Password=…;Database=…\"}}.");
            }

            string? connection = null;
            string? dataDirectory = null;
            string? keyRing = null;
            foreach (var property in json.RootElement.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "connection":
                        connection = ReadString(file, property);
                        break;
                    case "data_dir":
                        dataDirectory = ReadString(file, property);
                        break;
                    case "secrets_keyring":
                        keyRing = ReadString(file, property);
                        break;
                    default:
                        throw new CliException($"the configuration file '{file}' has the unknown key \"{property.Name}\"; the keys are \"connection\" (a PostgreSQL connection string), \"data_dir\" (the private server's folder) and \"secrets_keyring\" (the key-ring file that encrypts secret values).");
                }
            }

            return new CliSettings
            {
                ConfigFile = file,
                ConfigFileFound = true,
                Connection = string.IsNullOrWhiteSpace(connection) ? null : connection,
                DataDirectory = string.IsNullOrWhiteSpace(dataDirectory) ? null : Path.GetFullPath(dataDirectory, Path.GetDirectoryName(file)!),
                SecretsKeyRing = string.IsNullOrWhiteSpace(keyRing) ? null : Path.GetFullPath(keyRing, Path.GetDirectoryName(file)!),
            };
        }
        catch (JsonException e)
        {
            throw new CliException($"the configuration file '{file}' is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {e.Message.Split(" LineNumber:")[0]}");
        }
    }

    /// <summary>
    /// The folder of the private server's data and of anything else the command keeps: <c>$TOOLCATALOG_DATA_DIR</c>, else
    /// the file's <c>data_dir</c>, else <c>/var/lib/opsconductor-toolcatalog</c> for root (the server then runs as an
    /// unprivileged account, which cannot enter <c>/root</c>), else <c>$XDG_DATA_HOME/opsconductor-toolcatalog</c>, else
    /// <c>~/.local/share/opsconductor-toolcatalog</c>.
    /// </summary>
    /// <exception cref="CliException">No folder can be determined (no home folder and nothing set).</exception>
    public string ResolveDataDirectory(CliContext context)
    {
        var fromEnvironment = context.GetEnvironmentVariable(DataDirectoryVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return context.ResolvePath(fromEnvironment);
        }

        if (DataDirectory is not null)
        {
            return DataDirectory;
        }

        if (context.IsPrivileged)
        {
            return Path.Combine("/var/lib", AppFolder);
        }

        var dataHome = context.GetEnvironmentVariable("XDG_DATA_HOME");
        if (string.IsNullOrWhiteSpace(dataHome))
        {
            var home = context.GetEnvironmentVariable("HOME");
            if (string.IsNullOrWhiteSpace(home))
            {
                throw new CliException($"no home folder is known (HOME is not set), so there is no default folder for the private PostgreSQL server. Set {DataDirectoryVariable} to a folder, or give a server with --connection or {ConnectionVariable}.");
            }

            dataHome = Path.Combine(home, ".local", "share");
        }

        return Path.Combine(dataHome, AppFolder);
    }

    private static string? ReadString(string file, JsonProperty property) => property.Value.ValueKind switch
    {
        JsonValueKind.String => property.Value.GetString(),
        JsonValueKind.Null => null,
        _ => throw new CliException($"in the configuration file '{file}', \"{property.Name}\" must be a string, not {property.Value.ValueKind.ToString().ToLowerInvariant()}."),
    };
}
