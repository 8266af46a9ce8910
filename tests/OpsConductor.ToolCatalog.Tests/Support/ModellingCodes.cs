using OpsConductor.ToolCatalog.Findings;
using OpsConductor.ToolCatalog.Validation;

namespace OpsConductor.ToolCatalog.Tests.Support;

/// <summary>
/// The codes of the modelling rules (TOOL029–TOOL037), which lenient validation reports as warnings by default: tests of
/// other rules set them aside with <see cref="Without"/> and say so.
/// </summary>
internal static class ModellingCodes
{
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        ValidationCodes.CapabilityGenericName, ValidationCodes.CapabilityNotInVocabulary, ValidationCodes.PatternVariableNotProvided,
        ValidationCodes.PatternEstimateIgnoresN, ValidationCodes.PatternSpeedScoreInconsistent, ValidationCodes.PatternCostScoreInconsistent,
        ValidationCodes.PatternMissingUseCases, ValidationCodes.PatternMissingLimitations, ValidationCodes.ToolMissingExamples,
    };

    /// <summary>The findings that are not the modelling rules'.</summary>
    public static IEnumerable<ValidationFinding> Without(IEnumerable<ValidationFinding> findings) => findings.Where(f => !All.Contains(f.Code));
}
