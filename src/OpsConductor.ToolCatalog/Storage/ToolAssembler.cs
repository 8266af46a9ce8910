using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Storage;

/// <summary>Builds <see cref="StoredTool"/>s from the three row sets (tools; capabilities ordered by tool and ordinal;
/// patterns ordered by capability and ordinal).</summary>
internal static class ToolAssembler
{
    public static List<StoredTool> Assemble(IEnumerable<ToolRow> tools, IEnumerable<CapabilityRow> capabilities, IEnumerable<PatternRow> patterns)
    {
        var patternsByCapability = new Dictionary<long, List<PatternRow>>();
        foreach (var pattern in patterns)
        {
            if (!patternsByCapability.TryGetValue(pattern.CapabilityId, out var list))
            {
                patternsByCapability[pattern.CapabilityId] = list = [];
            }

            list.Add(pattern);
        }

        var capabilitiesByTool = new Dictionary<long, List<CapabilityRow>>();
        foreach (var capability in capabilities)
        {
            if (!capabilitiesByTool.TryGetValue(capability.ToolId, out var list))
            {
                capabilitiesByTool[capability.ToolId] = list = [];
            }

            list.Add(capability);
        }

        var result = new List<StoredTool>();
        foreach (var row in tools)
        {
            var capabilityIds = new Dictionary<string, long>(StringComparer.Ordinal);
            var patternIds = new Dictionary<(string, string), long>();
            var capabilityRows = capabilitiesByTool.TryGetValue(row.Id, out var found) ? found : [];
            var capabilityDefinitions = new CapabilityDefinition[capabilityRows.Count];
            for (var c = 0; c < capabilityRows.Count; c++)
            {
                var capability = capabilityRows[c];
                capabilityIds[capability.Name] = capability.Id;
                var patternRows = patternsByCapability.TryGetValue(capability.Id, out var p) ? p : [];
                var patternDefinitions = new PatternDefinition[patternRows.Count];
                for (var i = 0; i < patternRows.Count; i++)
                {
                    patternIds[(capability.Name, patternRows[i].Name)] = patternRows[i].Id;
                    patternDefinitions[i] = ToPattern(patternRows[i]);
                }

                capabilityDefinitions[c] = new CapabilityDefinition
                {
                    Name = capability.Name,
                    Description = capability.Description,
                    Patterns = patternDefinitions.Length == 0 ? default : new EquatableArray<PatternDefinition>(patternDefinitions),
                    Extensions = capability.Extensions,
                };
            }

            var definition = new ToolDefinition
            {
                Name = row.Name,
                Version = row.Version,
                Description = row.Description,
                Platform = row.Platform,
                Category = row.Category,
                Status = ParseStatus(row.Status),
                Enabled = row.Enabled,
                Defaults = row.Defaults,
                Capabilities = capabilityDefinitions.Length == 0 ? default : new EquatableArray<CapabilityDefinition>(capabilityDefinitions),
                Dependencies = row.Dependencies,
                Metadata = row.Metadata,
                ExecutionLocation = row.ExecutionLocation,
                Examples = row.Examples,
                Extensions = row.Extensions,
            };
            result.Add(new StoredTool(
                definition,
                row.Id,
                row.IsLatest,
                row.ParentVersionId,
                ToOffset(row.DeletedAt),
                ToOffset(row.CreatedAt),
                row.CreatedBy,
                ToOffset(row.UpdatedAt),
                row.UpdatedBy,
                capabilityIds,
                patternIds));
        }

        return result;
    }

    public static ToolStatus ParseStatus(string status) =>
        ToolStatusNames.TryParse(status, out var parsed)
            ? parsed
            : throw new CatalogOperationException($"The stored status '{status}' is not one of {string.Join(", ", ToolStatusNames.All)}.");

    public static DateTimeOffset ToOffset(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    public static DateTimeOffset? ToOffset(DateTime? value) => value is { } v ? ToOffset(v) : null;

    private static PatternDefinition ToPattern(PatternRow row) => new()
    {
        Name = row.Name,
        Description = row.Description,
        TypicalUseCases = row.TypicalUseCases,
        TimeEstimateMs = row.TimeEstimateMs,
        CostEstimate = row.CostEstimate,
        ComplexityScore = row.ComplexityScore,
        Scope = row.Scope,
        Completeness = row.Completeness,
        AccuracyLevel = row.AccuracyLevel,
        Freshness = row.Freshness,
        DataSource = row.DataSource,
        Limitations = row.Limitations,
        Policy = row.Policy,
        PreferenceMatch = row.PreferenceMatch,
        RequiredInputs = row.RequiredInputs,
        OptionalInputs = row.OptionalInputs,
        ExpectedOutputs = row.ExpectedOutputs,
        Examples = row.Examples,
        Extensions = row.Extensions,
    };
}
