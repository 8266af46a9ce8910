using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Storage;

/// <summary>What <see cref="ToolCatalogStore.MigrateAsync"/> did.</summary>
/// <param name="Applied">The migrations applied by this call, in order (such as <c>0002_telemetry_and_ab_tests</c>).</param>
/// <param name="SchemaVersion">The highest migration now applied.</param>
public sealed record MigrationResult(IReadOnlyList<string> Applied, int SchemaVersion);
