using System.CommandLine;
using System.Globalization;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Storage;
using OpsConductor.ToolCatalog.Storage.Json;

namespace OpsConductor.ToolCatalog.Cli.Commands;

/// <summary><c>toolcatalog show NAME [--version V]</c>: one tool version in full.</summary>
internal static class ShowCommand
{
    public static Command Create(CliContext context)
    {
        var connection = StoreCommandSupport.ConnectionOption();
        var name = new Argument<string>("name") { Description = "The tool's name." };
        var version = StoreCommandSupport.VersionOption("The version to show (default: the latest).");
        var format = StoreCommandSupport.FormatOption();
        var tenant = StoreCommandSupport.TenantOption();
        var command = new Command("show", "Show a tool: its latest version, or the version given.") { name, connection, tenant, version, format };
        command.SetAction((result, cancellationToken) => StoreCommandSupport.RunAsync(context, result, connection, async store =>
        {
            var toolName = result.GetValue(name)!;
            var stored = await store.GetAsync(toolName, result.GetValue(version), cancellationToken)
                ?? throw new ToolNotFoundException(toolName, result.GetValue(version));
            if (result.GetValue(format) == "json")
            {
                await context.Output.WriteLineAsync(ToolJson.ToJson(stored.Definition));
                return ExitCodes.Success;
            }

            await context.Output.WriteAsync(ToText(stored));
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static string ToText(StoredTool stored)
    {
        var tool = stored.Definition;
        var output = new System.Text.StringBuilder();
        output.AppendLine(CultureInfo.InvariantCulture, $"{tool.Name} {tool.Version}{(stored.IsLatest ? " (latest)" : "")}");
        output.AppendLine(CultureInfo.InvariantCulture, $"  {tool.Description}");
        output.AppendLine(CultureInfo.InvariantCulture, $"  platform: {tool.Platform}   category: {tool.Category}   status: {tool.Status.ToWire()}   enabled: {(tool.Enabled ? "yes" : "no")}");
        output.AppendLine(CultureInfo.InvariantCulture, $"  runs in: {tool.EffectiveExecutionLocation}");
        if (tool.Tags.Any())
        {
            output.AppendLine(CultureInfo.InvariantCulture, $"  tags: {string.Join(", ", tool.Tags)}");
        }

        output.AppendLine(CultureInfo.InvariantCulture, $"  stored {stored.CreatedAt.ToString("u", CultureInfo.InvariantCulture)} by {stored.CreatedBy ?? "?"}; last changed {stored.UpdatedAt.ToString("u", CultureInfo.InvariantCulture)} by {stored.UpdatedBy ?? "?"}");
        foreach (var capability in tool.Capabilities)
        {
            output.AppendLine(CultureInfo.InvariantCulture, $"  capability {capability.Name}: {capability.Description}");
            foreach (var pattern in capability.Patterns)
            {
                output.AppendLine(CultureInfo.InvariantCulture, $"    pattern {pattern.Name}: {pattern.Description}");
                output.AppendLine(CultureInfo.InvariantCulture, $"      time_estimate_ms: {pattern.TimeEstimateMs}   cost_estimate: {pattern.CostEstimate}   complexity: {pattern.ComplexityScore.ToString(CultureInfo.InvariantCulture)}");
                var policy = pattern.Policy;
                var limits = (policy.MaxCost is { } max ? $" max_cost={max.ToString(CultureInfo.InvariantCulture)}" : "")
                    + (policy.RequiresBackgroundIf is { } background ? $" background_if=\"{background}\"" : "");
                output.AppendLine(CultureInfo.InvariantCulture, $"      policy: production_safe={Yes(policy.ProductionSafe)} requires_approval={Yes(policy.RequiresApproval)}{limits}");
                if (!pattern.RequiredInputs.IsEmpty)
                {
                    output.AppendLine(CultureInfo.InvariantCulture, $"      inputs: {string.Join(", ", pattern.RequiredInputs.Select(i => $"{i.Name} ({i.Type})"))}");
                }
            }
        }

        return output.ToString();

        static string Yes(bool value) => value ? "yes" : "no";
    }
}
