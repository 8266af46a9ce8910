using OpsConductor.ToolCatalog.Experiments;
using OpsConductor.ToolCatalog.Model;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Runtime;

/// <summary>
/// A running experiment as a <see cref="CatalogSnapshot"/> holds it: the stored experiment, its seed hashed once, and
/// both arms' tool versions compiled (<see cref="VersionA"/>, <see cref="VersionB"/>), so selection can serve an
/// enrolled request the arm's version without a lookup, a lock or an allocation (decision 1602). Immutable.
/// </summary>
public sealed class RunningExperiment
{
    private readonly ulong _seed;
    private readonly double _split;
    private readonly string[] _environments;
    private readonly string[] _users;

    internal RunningExperiment(RunningExperimentRow row, ToolDefinition versionA, ToolDefinition versionB, ExpressionCompiler compiler)
    {
        Row = row;
        Experiment = row.Experiment;
        _seed = ArmAssignment.Seed(Experiment.Seed);
        _split = Experiment.Definition.Split;
        _environments = [.. Experiment.Definition.Environments];
        _users = [.. Experiment.Definition.Users];
        VersionA = new CatalogTool(versionA with { Enabled = row.UsableA, Status = row.StatusA }, 0, compiler, this, ExperimentArm.A);
        VersionB = new CatalogTool(versionB with { Enabled = row.UsableB, Status = row.StatusB }, 0, compiler, this, ExperimentArm.B);
    }

    /// <summary>The stored experiment (its definition, state running, when it started).</summary>
    public Experiment Experiment { get; }

    /// <summary>The experiment's name.</summary>
    public string Name => Experiment.Name;

    /// <summary>The tool under test.</summary>
    public string ToolName => Experiment.Definition.Tool;

    /// <summary>Arm a's version (the control), compiled.</summary>
    public CatalogTool VersionA { get; }

    /// <summary>Arm b's version (the treatment), compiled.</summary>
    public CatalogTool VersionB { get; }

    /// <summary>The row this was built from (to reuse it when the next load reads the same).</summary>
    internal RunningExperimentRow Row { get; }

    /// <summary>
    /// The arm a request gets, or null when it is not enrolled: no <paramref name="key"/>, or outside the target
    /// (<see cref="Experiments.Experiment.IsTargeted(string?, string?)"/> with <paramref name="user"/>, or the key
    /// when no user is given, as <c>toolcatalog experiment assign</c> does). Deterministic, allocation-free for keys of
    /// up to 256 UTF-8 bytes, lock-free.
    /// </summary>
    /// <param name="key">The assignment key (a user id or a request id), or null.</param>
    /// <param name="environment">The request's environment.</param>
    /// <param name="user">The request's user or group, or null for the key.</param>
    /// <returns>The arm, or null.</returns>
    public ExperimentArm? Assign(string? key, string? environment, string? user) => Assign(key, environment, user, null);

    /// <summary>
    /// As <see cref="Assign(string?, string?, string?)"/>, where the target list of users and groups may also name one
    /// of <paramref name="groups"/> (the groups the request's user belongs to).
    /// </summary>
    /// <param name="key">The assignment key (a user id or a request id), or null.</param>
    /// <param name="environment">The request's environment.</param>
    /// <param name="user">The request's user, or null for the key.</param>
    /// <param name="groups">The user's groups, or null.</param>
    /// <returns>The arm, or null.</returns>
    public ExperimentArm? Assign(string? key, string? environment, string? user, IReadOnlyList<string>? groups)
    {
        if (string.IsNullOrEmpty(key) || !Experiment.IsTargeted(_environments, _users, environment, user ?? key, groups))
        {
            return null;
        }

        return ArmAssignment.Point(_seed, key) < _split ? ExperimentArm.B : ExperimentArm.A;
    }

    /// <summary>The arm's compiled version.</summary>
    /// <param name="arm">The arm.</param>
    /// <returns><see cref="VersionA"/> or <see cref="VersionB"/>.</returns>
    public CatalogTool VersionOf(ExperimentArm arm) => arm == ExperimentArm.B ? VersionB : VersionA;

    /// <summary>Whether <paramref name="row"/> describes this experiment exactly as it was built (so it can be kept).</summary>
    internal bool IsSameAs(RunningExperimentRow row) =>
        row.Experiment.Id == Row.Experiment.Id
        && row.Experiment.StartedAt == Row.Experiment.StartedAt
        && row.VersionAId == Row.VersionAId && row.VersionBId == Row.VersionBId
        && row.UsableA == Row.UsableA && row.UsableB == Row.UsableB
        && row.StatusA == Row.StatusA && row.StatusB == Row.StatusB
        && row.Experiment.Definition.Split.Equals(Row.Experiment.Definition.Split)
        && string.Equals(row.Experiment.Seed, Row.Experiment.Seed, StringComparison.Ordinal)
        && row.Experiment.Definition.Environments.SequenceEqual(Row.Experiment.Definition.Environments, StringComparer.Ordinal)
        && row.Experiment.Definition.Users.SequenceEqual(Row.Experiment.Definition.Users, StringComparer.Ordinal);

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({ToolName} a={VersionA.Definition.Version} b={VersionB.Definition.Version})";
}
