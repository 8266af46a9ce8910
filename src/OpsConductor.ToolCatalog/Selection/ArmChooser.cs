using OpsConductor.ToolCatalog.Experiments;
using OpsConductor.ToolCatalog.Runtime;

namespace OpsConductor.ToolCatalog.Selection;

/// <summary>
/// Decides, during one enumeration, which variant of a tool under a running experiment the request gets: the arm's
/// version when the request is enrolled (<see cref="RunningExperiment.Assign(string?, string?, string?, IReadOnlyList{string})"/>), the latest version otherwise. The arm
/// is computed once per tool under test: every variant of a tool sits together in enumeration order (they share the
/// tool's order and name), so the last decision is kept. A struct on the caller's stack: no allocation, no lock.
/// </summary>
internal struct ArmChooser
{
    private readonly string? _key;
    private readonly string? _environment;
    private readonly string? _user;
    private readonly IReadOnlyList<string>? _groups;
    private RunningExperiment? _last;
    private ExperimentArm? _arm;

    /// <summary>Chooses for a request with <paramref name="key"/> from <paramref name="environment"/> by <paramref name="user"/>, a member of <paramref name="groups"/>.</summary>
    public ArmChooser(string? key, string? environment, string? user, IReadOnlyList<string>? groups = null)
    {
        _key = key;
        _environment = environment;
        _user = user;
        _groups = groups;
    }

    /// <summary>Whether <paramref name="tool"/> (a latest version, or an arm's version) is the variant this request gets.</summary>
    public bool Serves(CatalogTool tool)
    {
        if (tool.Experiment is not { } experiment)
        {
            return true;
        }

        if (!ReferenceEquals(experiment, _last))
        {
            _last = experiment;
            _arm = experiment.Assign(_key, _environment, _user, _groups);
        }

        return tool.Arm == _arm;
    }
}
