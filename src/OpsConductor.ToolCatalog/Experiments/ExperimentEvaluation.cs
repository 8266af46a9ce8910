namespace OpsConductor.ToolCatalog.Experiments;

/// <summary>What an evaluation of a running experiment did.</summary>
public enum ExperimentAction
{
    /// <summary>Nothing: keep running, waiting for approval, or blocked by a sample-ratio mismatch (see the results' reason).</summary>
    None,

    /// <summary>The winner was promoted automatically: the experiment is completed.</summary>
    Completed,

    /// <summary>A guardrail was breached: the experiment is stopped and the tool's latest version is A.</summary>
    RolledBack,
}

/// <summary>An evaluation of an experiment: its results and what was done about them.</summary>
/// <param name="Results">The results it acted on.</param>
/// <param name="Action">What was done.</param>
public sealed record ExperimentEvaluation(ExperimentResults Results, ExperimentAction Action);
