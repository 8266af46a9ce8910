using System.Globalization;
using System.Text.Json;
using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Experiments;

/// <summary>The primary metric an experiment compares.</summary>
public enum ExperimentMetric
{
    /// <summary>The success rate of executions (stored as <c>success</c>).</summary>
    Success,

    /// <summary>The execution time (stored as <c>time</c>).</summary>
    Time,
}

/// <summary>Where an experiment is in its life: draft → running → stopped (or completed, with a winner).</summary>
public enum ExperimentState
{
    /// <summary>Defined, not yet assigning.</summary>
    Draft,

    /// <summary>Started: keys in its target are assigned an arm.</summary>
    Running,

    /// <summary>Stopped by an administrator (or a guardrail); no longer assigning.</summary>
    Stopped,

    /// <summary>Ended with a decision.</summary>
    Completed,
}

/// <summary>
/// What an experiment compares and for whom: the definition given to <see cref="Storage.ToolCatalogStore.CreateExperimentAsync"/>.
/// Arm A is the control (<see cref="VersionA"/>), arm B the treatment (<see cref="VersionB"/>).
/// </summary>
public sealed partial record ExperimentDefinition
{
    /// <summary>The most characters a name, tool name, seed, environment or user may have.</summary>
    public const int NameLength = 100;

    /// <summary>The experiment's unique name (the rules of tool names: a letter, then letters, digits, '_' or '-').</summary>
    public required string Name { get; init; }

    /// <summary>What the experiment is for, if said.</summary>
    public string? Description { get; init; }

    /// <summary>The tool whose two versions are compared.</summary>
    public required string Tool { get; init; }

    /// <summary>The control version (arm <c>a</c>): a stored version of <see cref="Tool"/>.</summary>
    public required string VersionA { get; init; }

    /// <summary>The treatment version (arm <c>b</c>): another stored version of <see cref="Tool"/>.</summary>
    public required string VersionB { get; init; }

    /// <summary>The share of enrolled keys in arm B, strictly between 0 and 1. Default 0.5.</summary>
    public double Split { get; init; } = 0.5;

    /// <summary>The text seed of the assignment hash; null means the experiment's name.</summary>
    public string? Seed { get; init; }

    /// <summary>The environments the experiment applies to; empty means every environment.</summary>
    public IReadOnlyList<string> Environments { get; init; } = [];

    /// <summary>The users or groups the experiment applies to; empty means everyone.</summary>
    public IReadOnlyList<string> Users { get; init; } = [];

    /// <summary>The primary metric. Default <see cref="ExperimentMetric.Success"/>.</summary>
    public ExperimentMetric Metric { get; init; } = ExperimentMetric.Success;

    /// <summary>Guardrails as a JSON array of objects (for example <c>[{"metric": "success", "max_drop": 0.02}]</c>;
    /// the format is <see cref="Guardrail"/>'s). Default <c>[]</c>.</summary>
    public string Guardrails { get; init; } = "[]";

    /// <summary>The enrolled executions each arm needs before any decision; at least 1. Default 100.</summary>
    public int MinimumSampleSize { get; init; } = 100;

    /// <summary>Whether a conclusive winner is promoted without an administrator's approval.</summary>
    public bool AutoPromote { get; init; }

    /// <summary>Every rule this definition breaks, each naming the field and the rule; empty when it is valid.</summary>
    /// <returns>The problems, in field order.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrEmpty(Name) || !NamePatterns.IsValidName(Name))
        {
            problems.Add($"name: '{Name}' is not a valid experiment name: {NamePatterns.NameRule}.");
        }

        if (string.IsNullOrEmpty(Tool) || !NamePatterns.IsValidName(Tool))
        {
            problems.Add($"tool: '{Tool}' is not a valid tool name: {NamePatterns.NameRule}.");
        }

        if (string.IsNullOrEmpty(VersionA) || !NamePatterns.IsValidVersion(VersionA))
        {
            problems.Add($"version_a: '{VersionA}' is not a valid version: {NamePatterns.VersionRule}.");
        }

        if (string.IsNullOrEmpty(VersionB) || !NamePatterns.IsValidVersion(VersionB))
        {
            problems.Add($"version_b: '{VersionB}' is not a valid version: {NamePatterns.VersionRule}.");
        }
        else if (string.Equals(VersionA, VersionB, StringComparison.Ordinal))
        {
            problems.Add($"version_b: '{VersionB}' is also version A; the two arms must compare different versions.");
        }

        if (!(Split is > 0 and < 1))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"split: {Split} is not allowed; the share of keys in arm B must be greater than 0 and less than 1 (e.g. 0.5)."));
        }

        if (Seed is not null && (Seed.Length == 0 || Seed.Length > NameLength || Seed.Contains('\0', StringComparison.Ordinal)))
        {
            problems.Add($"seed: must be 1 to {NameLength} characters without NUL, or left out (the name is used).");
        }

        CheckList(problems, "environments", Environments);
        CheckList(problems, "users", Users);
        if (!Enum.IsDefined(Metric))
        {
            problems.Add($"metric: {Metric} is not a metric; allowed: success, time.");
        }

        if (Description is not null && Description.Contains('\0', StringComparison.Ordinal))
        {
            problems.Add("description: must not contain NUL characters.");
        }

        if (GuardrailProblem(Guardrails) is { } guardrails)
        {
            problems.Add($"guardrails: {guardrails}");
        }

        if (MinimumSampleSize < 1)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"minimum_sample_size: {MinimumSampleSize} is not allowed; it must be at least 1."));
        }

        return problems;
    }

    private static void CheckList(List<string> problems, string field, IReadOnlyList<string>? values)
    {
        if (values is null)
        {
            problems.Add($"{field}: must be a list (empty for no restriction).");
            return;
        }

        foreach (var value in values)
        {
            if (string.IsNullOrWhiteSpace(value) || value.Length > NameLength || value.Contains('\0', StringComparison.Ordinal))
            {
                problems.Add($"{field}: '{value}' is not allowed; each entry must be 1 to {NameLength} characters, not blank, without NUL.");
            }
        }
    }

    private static string? GuardrailProblem(string? json) =>
        json is null ? "must be a JSON array (use [] for none)."
        : json.Contains("\\u0000", StringComparison.Ordinal) ? "must not contain NUL characters."
        : Guardrail.Problem(json);
}

/// <summary>A stored experiment: its definition, its state and who created it.</summary>
/// <param name="Id">The row id.</param>
/// <param name="Definition">What it compares and for whom (<see cref="ExperimentDefinition.Seed"/> as stored: null means the name).</param>
/// <param name="State">Where it is in its life.</param>
/// <param name="StartedAt">When it started, once it has.</param>
/// <param name="StoppedAt">When it stopped or completed, once it has.</param>
/// <param name="Winner">The winning arm, once decided.</param>
/// <param name="CreatedBy">Who created it.</param>
/// <param name="CreatedAt">When it was created.</param>
public sealed record Experiment(
    long Id,
    ExperimentDefinition Definition,
    ExperimentState State,
    DateTimeOffset? StartedAt,
    DateTimeOffset? StoppedAt,
    ExperimentArm? Winner,
    string? CreatedBy,
    DateTimeOffset CreatedAt)
{
    /// <summary>The experiment's name.</summary>
    public string Name => Definition.Name;

    /// <summary>The text seed of the assignment hash: the stored seed, else the name.</summary>
    public string Seed => Definition.Seed ?? Definition.Name;

    /// <summary>Whether a request from <paramref name="environment"/> by <paramref name="user"/> is in the experiment's
    /// target: its environment is listed (or none are; compared trimmed and case-insensitively, as selection compares
    /// environments) and its user is listed (or none are; compared exactly). Selection applies the same rule.</summary>
    /// <param name="environment">The request's environment, if known.</param>
    /// <param name="user">The request's user or group, if known.</param>
    /// <returns>Whether the request is enrolled.</returns>
    public bool IsTargeted(string? environment, string? user) => IsTargeted(Definition.Environments, Definition.Users, environment, user, null);

    /// <summary>Whether a request from <paramref name="environment"/> by <paramref name="user"/>, a member of
    /// <paramref name="groups"/>, is in the experiment's target: as <see cref="IsTargeted(string?, string?)"/>, where the
    /// target list of users and groups (<see cref="ExperimentDefinition.Users"/>) names the user or any of its groups.</summary>
    /// <param name="environment">The request's environment, if known.</param>
    /// <param name="user">The request's user, if known.</param>
    /// <param name="groups">The groups the request's user belongs to, if known.</param>
    /// <returns>Whether the request is enrolled.</returns>
    public bool IsTargeted(string? environment, string? user, IReadOnlyList<string>? groups) =>
        IsTargeted(Definition.Environments, Definition.Users, environment, user, groups);

    /// <summary>The targeting rule of <see cref="IsTargeted(string?, string?, IReadOnlyList{string})"/> over the lists: allocation-free.</summary>
    internal static bool IsTargeted(IReadOnlyList<string> environments, IReadOnlyList<string> users, string? environment, string? user, IReadOnlyList<string>? groups)
    {
        if (environments.Count > 0)
        {
            if (environment is null)
            {
                return false;
            }

            var trimmed = environment.AsSpan().Trim();
            var found = false;
            for (var i = 0; i < environments.Count && !found; i++)
            {
                found = environments[i].AsSpan().Trim().Equals(trimmed, StringComparison.OrdinalIgnoreCase);
            }

            if (!found)
            {
                return false;
            }
        }

        if (users.Count > 0)
        {
            for (var i = 0; i < users.Count; i++)
            {
                if (string.Equals(users[i], user, StringComparison.Ordinal) || Contains(groups, users[i]))
                {
                    return true;
                }
            }

            return false;
        }

        return true;

        static bool Contains(IReadOnlyList<string>? groups, string target)
        {
            if (groups is null)
            {
                return false;
            }

            for (var i = 0; i < groups.Count; i++)
            {
                if (string.Equals(groups[i], target, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>The arm <paramref name="key"/> gets (<see cref="ArmAssignment.Assign"/> with this experiment's seed and
    /// split), whatever the state; callers check <see cref="IsTargeted(string?, string?)"/> and <see cref="State"/>.</summary>
    /// <param name="key">The assignment key (a user id or a request id).</param>
    /// <returns>The arm.</returns>
    public ExperimentArm Assign(string key) => ArmAssignment.Assign(ArmAssignment.Seed(Seed), key, Definition.Split);
}
