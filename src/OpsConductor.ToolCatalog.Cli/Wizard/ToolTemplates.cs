using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Cli.Wizard;

/// <summary>
/// The starting values of a new tool for one platform: category, defaults, where it runs, a first pattern's estimates,
/// policy and preference scores, typical inputs and outputs, dependencies and tags. Every value is valid in strict
/// mode, so a tool made from a template alone validates strictly.
/// </summary>
internal sealed record ToolTemplate
{
    public required string Platform { get; init; }

    public required string Summary { get; init; }

    public required string Category { get; init; }

    public required string AccuracyLevel { get; init; }

    public required string Freshness { get; init; }

    public required string DataSource { get; init; }

    public required string ExecutionLocation { get; init; }

    public required string TimeEstimate { get; init; }

    public required string CostEstimate { get; init; }

    public required double Complexity { get; init; }

    public required string Scope { get; init; }

    public required string Completeness { get; init; }

    public required double MaxCost { get; init; }

    public bool RequiresApproval { get; init; }

    public bool ProductionSafe { get; init; } = true;

    public required int MaxExecutionTimeSeconds { get; init; }

    public string? RequiresBackgroundIf { get; init; }

    public long? MaxNImmediate { get; init; }

    public required PreferenceMatch Preferences { get; init; }

    public required IReadOnlyList<InputSpec> Inputs { get; init; }

    public required IReadOnlyList<OutputSpec> Outputs { get; init; }

    public IReadOnlyList<DependencySpec> Dependencies { get; init; } = [];

    public required IReadOnlyList<string> Tags { get; init; }
}

/// <summary>The five platform templates (the original generator's platforms).</summary>
internal static class ToolTemplates
{
    public static IReadOnlyList<ToolTemplate> All { get; } =
    [
        new()
        {
            Platform = "linux",
            Summary = "a command run over SSH on Linux hosts",
            Category = "system",
            AccuracyLevel = "real-time",
            Freshness = "live",
            DataSource = "direct",
            ExecutionLocation = "automation-service",
            TimeEstimate = "500 + 200 * N",
            CostEstimate = "ceil(N / 10)",
            Complexity = 0.3,
            Scope = "batch",
            Completeness = "complete",
            MaxCost = 20,
            MaxExecutionTimeSeconds = 120,
            RequiresBackgroundIf = "N > 50",
            MaxNImmediate = 50,
            Preferences = new PreferenceMatch { Speed = 0.8, Accuracy = 0.9, Cost = 0.9, Complexity = 0.8, Completeness = 0.8 },
            Inputs = [new InputSpec { Name = "hosts", Type = "array", Description = "Hostnames or IP addresses to run on; N is their number" }],
            Outputs = [new OutputSpec { Name = "results", Type = "array", Description = "Per host: the command's output and exit status" }],
            Dependencies = [new DependencySpec { Name = "ssh_access", Type = "network" }],
            Tags = ["linux"],
        },
        new()
        {
            Platform = "windows",
            Summary = "a PowerShell command run over WinRM on Windows hosts",
            Category = "system",
            AccuracyLevel = "real-time",
            Freshness = "live",
            DataSource = "api",
            ExecutionLocation = "automation-service",
            TimeEstimate = "1500 + 400 * N",
            CostEstimate = "ceil(N / 10)",
            Complexity = 0.4,
            Scope = "batch",
            Completeness = "complete",
            MaxCost = 20,
            MaxExecutionTimeSeconds = 180,
            RequiresBackgroundIf = "N > 25",
            MaxNImmediate = 25,
            Preferences = new PreferenceMatch { Speed = 0.7, Accuracy = 0.9, Cost = 0.85, Complexity = 0.7, Completeness = 0.8 },
            Inputs = [new InputSpec { Name = "computer_name", Type = "array", Description = "Windows hosts to run on (WinRM); N is their number" }],
            Outputs = [new OutputSpec { Name = "results", Type = "array", Description = "Per host: the objects the cmdlet returned, as JSON" }],
            Dependencies = [new DependencySpec { Name = "winrm", Type = "network" }, new DependencySpec { Name = "powershell", Type = "package", Version = ">=5.1" }],
            Tags = ["windows", "powershell"],
        },
        new()
        {
            Platform = "network",
            Summary = "a probe of network targets from the network service",
            Category = "network",
            AccuracyLevel = "real-time",
            Freshness = "live",
            DataSource = "direct",
            ExecutionLocation = "network-service",
            TimeEstimate = "1000 + 50 * N",
            CostEstimate = "ceil(N / 50)",
            Complexity = 0.3,
            Scope = "batch",
            Completeness = "partial",
            MaxCost = 10,
            MaxExecutionTimeSeconds = 300,
            RequiresBackgroundIf = "N > 200",
            MaxNImmediate = 200,
            Preferences = new PreferenceMatch { Speed = 0.75, Accuracy = 0.85, Cost = 0.9, Complexity = 0.8, Completeness = 0.7 },
            Inputs = [new InputSpec { Name = "targets", Type = "array", Description = "Host names, IP addresses or CIDR ranges; N is the number of targets" }],
            Outputs = [new OutputSpec { Name = "findings", Type = "array", Description = "Per target: reachability and what was found" }],
            Dependencies = [new DependencySpec { Name = "network_reachability", Type = "network" }],
            Tags = ["network"],
        },
        new()
        {
            Platform = "scheduler",
            Summary = "a job registered with a scheduler (cron, systemd timers, Task Scheduler)",
            Category = "automation",
            AccuracyLevel = "cached",
            Freshness = "recent",
            DataSource = "direct",
            ExecutionLocation = "automation-service",
            TimeEstimate = "800 + 100 * N",
            CostEstimate = "1",
            Complexity = 0.4,
            Scope = "single_item",
            Completeness = "complete",
            MaxCost = 5,
            RequiresApproval = true,
            MaxExecutionTimeSeconds = 60,
            Preferences = new PreferenceMatch { Speed = 0.8, Accuracy = 0.9, Cost = 0.95, Complexity = 0.7, Completeness = 0.9 },
            Inputs =
            [
                new InputSpec { Name = "schedule", Type = "string", Description = "When to run, as a cron expression such as '0 3 * * *'", Validation = @"^\S+( \S+){4}$" },
                new InputSpec { Name = "command", Type = "string", Description = "What to run" },
            ],
            Outputs = [new OutputSpec { Name = "job_id", Type = "string", Description = "The scheduler's identifier of the job" }],
            Dependencies = [new DependencySpec { Name = "scheduler_access", Type = "permission" }],
            Tags = ["scheduler"],
        },
        new()
        {
            Platform = "custom",
            Summary = "anything else: an API, a script, a service of your own",
            Category = "automation",
            AccuracyLevel = "estimated",
            Freshness = "recent",
            DataSource = "api",
            ExecutionLocation = "automation-service",
            TimeEstimate = "1000",
            CostEstimate = "1",
            Complexity = 0.5,
            Scope = "single_item",
            Completeness = "complete",
            MaxCost = 10,
            MaxExecutionTimeSeconds = 60,
            Preferences = new PreferenceMatch { Speed = 0.7, Accuracy = 0.8, Cost = 0.8, Complexity = 0.7, Completeness = 0.7 },
            Inputs = [new InputSpec { Name = "target", Type = "string", Description = "What the tool acts on" }],
            Outputs = [new OutputSpec { Name = "result", Type = "object", Description = "The tool's answer" }],
            Tags = ["custom"],
        },
    ];

    public static IReadOnlyList<string> Names { get; } = [.. All.Select(t => t.Platform)];

    public static ToolTemplate? Find(string? name) => All.FirstOrDefault(t => string.Equals(t.Platform, name?.Trim(), StringComparison.OrdinalIgnoreCase));
}
