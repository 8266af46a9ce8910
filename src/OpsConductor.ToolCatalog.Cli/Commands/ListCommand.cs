using System.CommandLine;
using System.Text.Json;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Cli.Commands;

/// <summary><c>toolcatalog list [filters]</c>: the tools (latest versions), a page at a time.</summary>
internal static class ListCommand
{
    public static Command Create(CliContext context)
    {
        var connection = StoreCommandSupport.ConnectionOption();
        var platform = new Option<string?>("--platform") { Description = "Only tools of this platform." };
        var category = new Option<string?>("--category") { Description = "Only tools of this category." };
        var status = new Option<string?>("--status") { Description = $"Only tools with this status ({string.Join(", ", ToolStatusNames.All)})." };
        status.AcceptOnlyFromAmong([.. ToolStatusNames.All]);
        var enabled = new Option<bool?>("--enabled") { Description = "Only enabled (true) or disabled (false) tools." };
        var capability = new Option<string?>("--capability") { Description = "Only tools with this capability." };
        var tag = new Option<string?>("--tag") { Description = "Only tools with this tag in their metadata." };
        var after = new Option<string?>("--after") { Description = "Start after this tool name (the cursor printed at the end of the previous page)." };
        var limit = new Option<int>("--limit") { Description = $"Tools per page (1 to {ToolCatalogStore.MaxPageSize}).", DefaultValueFactory = _ => 50 };
        limit.Validators.Add(r =>
        {
            if (r.TryGetValue<int>(out var n) && n is < 1 or > ToolCatalogStore.MaxPageSize)
            {
                r.AddError($"--limit must be between 1 and {ToolCatalogStore.MaxPageSize}.");
            }
        });
        var format = StoreCommandSupport.FormatOption();
        var tenant = StoreCommandSupport.TenantOption();
        var command = new Command("list", "List the catalog's tools (their latest versions), by name, with optional filters.")
        {
            connection, tenant, platform, category, status, enabled, capability, tag, after, limit, format,
        };
        command.SetAction((result, cancellationToken) => StoreCommandSupport.RunAsync(context, result, connection, async store =>
        {
            var filter = new ToolFilter
            {
                Platform = result.GetValue(platform),
                Category = result.GetValue(category),
                Status = ToolStatusNames.TryParse(result.GetValue(status), out var parsed) ? parsed : null,
                Enabled = result.GetValue(enabled),
                Capability = result.GetValue(capability),
                Tag = result.GetValue(tag),
            };
            var page = await store.ListAsync(filter, result.GetValue(after), result.GetValue(limit), cancellationToken);
            if (result.GetValue(format) == "json")
            {
                await context.Output.WriteLineAsync(JsonSerializer.Serialize(
                    new { tools = page.Items.Select(ToJson), next_cursor = page.NextCursor },
                    CliJson.Options));
                return ExitCodes.Success;
            }

            if (page.Items.Count == 0)
            {
                await context.Output.WriteLineAsync("No tools match.");
                return ExitCodes.Success;
            }

            await TextTable.WriteAsync(
                context.Output,
                ["NAME", "VERSION", "PLATFORM", "CATEGORY", "STATUS", "ENABLED", "CAPABILITIES"],
                page.Items.Select(i => new[] { i.Name, i.Version, i.Platform, i.Category, i.Status.ToWire(), i.Enabled ? "yes" : "no", string.Join(", ", i.Capabilities) }));
            if (page.NextCursor is not null)
            {
                await context.Output.WriteLineAsync($"More tools follow: add --after {page.NextCursor}");
            }

            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static object ToJson(ToolSummary summary) => new
    {
        name = summary.Name,
        version = summary.Version,
        description = summary.Description,
        platform = summary.Platform,
        category = summary.Category,
        status = summary.Status.ToWire(),
        enabled = summary.Enabled,
        capabilities = summary.Capabilities,
        tags = summary.Tags,
        updated_at = summary.UpdatedAt,
    };
}
