using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Cli.Commands;

/// <summary><c>toolcatalog versions NAME</c>: a tool's version history.</summary>
internal static class VersionsCommand
{
    public static Command Create(CliContext context)
    {
        var connection = StoreCommandSupport.ConnectionOption();
        var name = new Argument<string>("name") { Description = "The tool's name." };
        var format = StoreCommandSupport.FormatOption();
        var tenant = StoreCommandSupport.TenantOption();
        var command = new Command("versions", "List every version of a tool, oldest first, deleted ones included.") { name, connection, tenant, format };
        command.SetAction((result, cancellationToken) => StoreCommandSupport.RunAsync(context, result, connection, async store =>
        {
            var versions = await store.ListVersionsAsync(result.GetValue(name)!, cancellationToken);
            if (result.GetValue(format) == "json")
            {
                await context.Output.WriteLineAsync(JsonSerializer.Serialize(versions.Select(v => new
                {
                    version = v.Version,
                    latest = v.IsLatest,
                    status = v.Status.ToWire(),
                    enabled = v.Enabled,
                    deleted_at = v.DeletedAt,
                    parent_version = v.ParentVersion,
                    created_at = v.CreatedAt,
                    created_by = v.CreatedBy,
                    updated_at = v.UpdatedAt,
                    updated_by = v.UpdatedBy,
                }), CliJson.Options));
                return ExitCodes.Success;
            }

            await TextTable.WriteAsync(
                context.Output,
                ["VERSION", "LATEST", "STATUS", "ENABLED", "DELETED", "PARENT", "CREATED", "BY"],
                versions.Select(v => new[]
                {
                    v.Version,
                    v.IsLatest ? "*" : "",
                    v.Status.ToWire(),
                    v.Enabled ? "yes" : "no",
                    v.DeletedAt is { } deleted ? deleted.ToString("u", CultureInfo.InvariantCulture) : "",
                    v.ParentVersion ?? "",
                    v.CreatedAt.ToString("u", CultureInfo.InvariantCulture),
                    v.CreatedBy ?? "",
                }));
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }
}
