using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpsConductor.ToolCatalog.LocalPostgres;

/// <summary>
/// What a later process needs to reuse an instance: port, superuser and its secret, program folder. Stored as
/// <c>instance.json</c> in the instance folder with mode 0600 (owner read/write only), owned by the user who
/// created the instance — never by the account the server runs as.
/// </summary>
internal sealed record InstanceState
{
    public const string FileName = "instance.json";

    public required int Port { get; init; }

    public required string Username { get; init; }

    public required string Password { get; init; }

    public required string BinDirectory { get; init; }

    public required string ServerVersion { get; init; }

    public string? ServiceAccount { get; init; }

    public required string SocketDirectory { get; init; }

    public static InstanceState? TryRead(string instanceDirectory)
    {
        var path = Path.Combine(instanceDirectory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), InstanceStateJson.Default.InstanceState);
        }
        catch (JsonException e)
        {
            throw new LocalPostgresException($"The instance state file '{path}' is not valid ({e.Message}). Delete the instance folder to start afresh.", e);
        }
    }

    public void Write(string instanceDirectory)
    {
        var path = Path.Combine(instanceDirectory, FileName);
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            JsonSerializer.Serialize(stream, this, InstanceStateJson.Default.InstanceState);
        }

        // An existing file keeps its mode on overwrite; make sure the secret is never readable by others.
        File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temporary, path, overwrite: true);
    }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(InstanceState))]
internal sealed partial class InstanceStateJson : JsonSerializerContext;
