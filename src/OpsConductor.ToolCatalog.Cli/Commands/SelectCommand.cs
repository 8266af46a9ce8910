using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.Json;
using OpsConductor.ToolCatalog.Expressions;
using OpsConductor.ToolCatalog.Files;
using OpsConductor.ToolCatalog.Runtime;
using OpsConductor.ToolCatalog.Selection;
using OpsConductor.ToolCatalog.Telemetry;
using OpsConductor.ToolCatalog.Yaml;

namespace OpsConductor.ToolCatalog.Cli.Commands;

/// <summary>
/// <c>toolcatalog select CAPABILITY... [--var N=100 ...] [--mode …] [--query TEXT] [--environment E] [--cost-limit X]
/// [--format text|json]</c> over the database (default), a folder of YAML (<c>--tools DIR</c>) or a profiles file
/// (<c>--profiles FILE</c>): the ranked candidates with time, cost, score and explanation, the excluded ones with their
/// reasons, and the choice. Exit 1 with the original's message when nothing is viable.
/// </summary>
internal static class SelectCommand
{
    public static Command Create(CliContext context)
    {
        var capabilities = new Argument<string[]>("capability")
        {
            Description = "The required capabilities (exact names or aliases of older names, such as service_control for service_restart); none with --query searches the whole catalog by the query.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var variables = new Option<string[]>("--var")
        {
            Description = "A request variable, NAME=NUMBER (repeatable), such as --var N=40 --var file_size_kb=2048. A variable not given takes the evaluator's default (N=0, pages=1, p95_latency=100, cost=1, time_ms=1000). Values must be finite; N, pages, p95_latency, cost and time_ms must be >= 0.",
            AllowMultipleArgumentsPerToken = false,
        };
        variables.Validators.Add(r =>
        {
            foreach (var token in r.Tokens)
            {
                if (!TryParseVariable(token.Value, out _, out _, out var problem))
                {
                    r.AddError(problem!);
                }
            }
        });
        var mode = new Option<string?>("--mode") { Description = $"The preference: {string.Join(", ", PreferenceModeNames.All)} (default: detected from --query, else balanced)." };
        mode.AcceptOnlyFromAmong([.. PreferenceModeNames.All]);
        var query = new Option<string?>("--query") { Description = "The user's request in words; its keywords choose the mode when --mode is not given (\"quickly\" → fast). Without a capability, it chooses the capabilities (matched against the catalog's use cases, names and descriptions); with --scoring extended it also weighs how well each pattern matches." };
        var environment = new Option<string>("--environment")
        {
            Description = "Where the tool would run, compared case-insensitively. Production-safe patterns are required in every environment except the known non-production ones (development, dev, test, testing, qa, staging, stage, sandbox, local).",
            DefaultValueFactory = _ => "production",
        };
        var costLimit = new Option<double?>("--cost-limit") { Description = "Exclude candidates whose estimated cost is above this (a finite number >= 0)." };
        var policy = new Option<string>("--policy")
        {
            Description = "enforced: every policy rule (pattern max_cost, production_safe, requires_background_if, …); original: only what OpsConductor-NG enforced.",
            DefaultValueFactory = _ => "enforced",
        }.AcceptOnlyFromAmong("enforced", "original");
        var scoring = new Option<string>("--scoring")
        {
            Description = "compatible: the original's weights and numbers; extended: preference_match speed, cost and complexity count too.",
            DefaultValueFactory = _ => "compatible",
        }.AcceptOnlyFromAmong("compatible", "extended");
        var calibration = new Option<string>("--calibration")
        {
            Description = "off: the catalog's estimates only; report: also each pattern's telemetry p50 and p90 for the request (from the last 7 days, patterns with at least 30 executions); rank: and score on the telemetry p50. Needs the database.",
            DefaultValueFactory = _ => "off",
        }.AcceptOnlyFromAmong("off", "report", "rank");
        var assignmentKey = new Option<string?>("--assignment-key")
        {
            Description = "The key (a user id or a request id) that assigns the request an arm of each running experiment on a candidate tool; without it, every tool serves its latest version.",
        };
        var user = new Option<string?>("--user") { Description = "The user matched against experiments' target users and groups (default: the assignment key)." };
        var groups = new Option<string[]>("--group") { Description = "A group the user belongs to, matched against experiments' target users and groups (repeat for more)." };
        var tools = new Option<string?>("--tools") { Description = "Select over a folder (or file) of tool YAML instead of the database; tools keep file order for ties." };
        var profiles = new Option<string?>("--profiles") { Description = "Select over an optimisation-profiles file (version + tools:) instead of the database." };
        var format = StoreCommandSupport.FormatOption();
        var connection = StoreCommandSupport.ConnectionOption();
        var tenant = StoreCommandSupport.TenantOption();
        var command = new Command("select", "Choose the best tool pattern for capabilities and a request context, explaining every score and exclusion.")
        {
            capabilities, variables, mode, query, environment, costLimit, policy, scoring, calibration, assignmentKey, user, groups, tools, profiles, format, connection, tenant,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(calibration) is "report" or "rank" && r.GetValue(tenant) is not null)
            {
                r.AddError("--calibration report|rank reads the global telemetry, which a tenant's catalog does not use: leave --calibration off with --tenant.");
            }

            if (r.GetValue(tools) is not null && r.GetValue(profiles) is not null)
            {
                r.AddError("--tools and --profiles are alternatives: give one (or neither, to select over the database).");
            }

            if (r.GetValue(calibration) is "report" or "rank" && (r.GetValue(tools) is not null || r.GetValue(profiles) is not null))
            {
                r.AddError("--calibration reads the telemetry in the database: it cannot be used with --tools or --profiles.");
            }
        });
        command.SetAction(async (result, cancellationToken) =>
        {
            var request = new SelectionRequest
            {
                Capabilities = result.GetValue(capabilities) ?? [],
                Query = result.GetValue(query),
                ExplicitMode = result.GetValue(mode),
                Variables = ParseVariables(result.GetValue(variables)),
                CostLimit = result.GetValue(costLimit),
                Environment = result.GetValue(environment) ?? "production",
                Calibration = result.GetValue(calibration) switch { "report" => CalibrationUse.Report, "rank" => CalibrationUse.Rank, _ => CalibrationUse.Off },
                AssignmentKey = result.GetValue(assignmentKey),
                User = result.GetValue(user),
                Groups = result.GetValue(groups) is { Length: > 0 } given ? given : null,
            };
            var options = new SelectionOptions
            {
                PolicyMode = result.GetValue(policy) == "original" ? PolicyMode.Original : PolicyMode.Enforced,
                ScoringMode = result.GetValue(scoring) == "extended" ? ScoringMode.Extended : ScoringMode.Compatible,
            };
            var json = result.GetValue(format) == "json";
            if (await RefuseAsync(context, request) is { } refused)
            {
                return refused;
            }

            var filesPath = result.GetValue(tools) ?? result.GetValue(profiles);
            if (filesPath is not null)
            {
                var snapshot = await LoadFilesAsync(context, filesPath, expectProfiles: result.GetValue(profiles) is not null, cancellationToken);
                return snapshot is null ? ExitCodes.Failure : await RunAsync(context, snapshot, request, options, json, $"files in {filesPath}");
            }

            return await StoreCommandSupport.RunAsync(context, result.GetValue(connection), async (store, origin) =>
            {
                var snapshot = await CatalogSnapshot.LoadAsync(store, context.TimeProvider, cancellationToken);
                TimeCalibrations? calibrations = null;
                if (request.Calibration != CalibrationUse.Off)
                {
                    var defaults = new TelemetryOptions();
                    var now = context.TimeProvider.GetUtcNow();
                    calibrations = new TimeCalibrations(await store.GetTimeCalibrationsAsync(now - defaults.CalibrationWindow, defaults.CalibrationMinSamples, cancellationToken), now);
                }

                return await RunAsync(context, snapshot, request, options, json, $"database, revision {snapshot.Revision.ToString(CultureInfo.InvariantCulture)}", calibrations);
            }, cancellationToken, StoreCommandSupport.TenantOf(result));
        });
        return command;
    }

    /// <summary>Selects and prints; exit 1 (with the original's message and the exclusions) when nothing is viable.</summary>
    internal static async Task<int> RunAsync(CliContext context, CatalogSnapshot snapshot, SelectionRequest request, SelectionOptions options, bool json, string source, TimeCalibrations? calibrations = null)
    {
        var selector = new ToolSelector(options, calibrations: calibrations);
        ToolSelectionResult? selected = null;
        ToolSelectionException? failure = null;
        try
        {
            selected = selector.Select(snapshot, request);
        }
        catch (ToolSelectionException e)
        {
            failure = e;
        }
        catch (InvalidSelectionRequestException e)
        {
            return await UsageErrorAsync(context, e);
        }

        var evaluation = selected?.Evaluation ?? selector.Evaluate(snapshot, request);
        if (json)
        {
            await WriteJsonAsync(context.Output, request, evaluation, selected, failure, source);
        }
        else
        {
            await WriteTextAsync(context.Output, request, evaluation, selected, source);
            if (failure is not null)
            {
                await context.Error.WriteLineAsync($"error: {failure.Message}");
                await context.Error.WriteLineAsync(Hint(request, evaluation, failure));
            }
        }

        return failure is null ? ExitCodes.Success : ExitCodes.Failure;
    }

    /// <summary>What to do next when nothing was selected: the advice follows what excluded the patterns.</summary>
    private static string Hint(SelectionRequest request, SelectionEvaluation evaluation, ToolSelectionException failure)
    {
        if (failure.AllViolatePolicies)
        {
            return "Every candidate is excluded by a policy (reasons above). Relax the request (--cost-limit, --environment) or change the patterns' policies.";
        }

        if (evaluation.Relevance is { IsQueryOnly: true, MatchedCapabilities.Count: 0 })
        {
            return "Name a capability ('toolcatalog list' shows them), or use the words of the operation in --query (restart, scan ports, disk usage, …).";
        }

        var capabilities = string.Join(", ", evaluation.Capabilities);
        if (evaluation.Excluded.Count == 0)
        {
            return $"No pattern of the catalog offers {capabilities}. 'toolcatalog list --capability NAME' shows which tools have a capability.";
        }

        var missing = evaluation.Excluded.Where(e => e.Rule == ExclusionRule.MissingVariable && e.Variable is not null).Select(e => e.Variable!).Distinct(StringComparer.Ordinal).ToList();
        var rules = string.Join(", ", evaluation.Excluded.GroupBy(e => e.Rule).Select(g => $"{g.Count()} {RuleText(g.Key)}"));
        return $"{evaluation.Excluded.Count} pattern(s) offer {capabilities}, but none could be evaluated for this request ({rules}; reasons above)."
            + (missing.Count > 0 ? $" Give {string.Join(" ", missing.Select(v => $"--var {v}=<number>"))}." : "");
    }

    private static string RuleText(ExclusionRule rule) => rule switch
    {
        ExclusionRule.MissingVariable => "need a variable the request does not give",
        ExclusionRule.InvalidExpression => "have an expression that does not compile",
        ExclusionRule.EvaluationError => "cannot be evaluated",
        ExclusionRule.ImpossibleEstimate => "evaluate to a negative or non-finite estimate",
        _ => "excluded by a policy",
    };

    /// <summary>Checks the request before any catalog is read; a broken rule is a usage error naming the option.</summary>
    private static async Task<int?> RefuseAsync(CliContext context, SelectionRequest request)
    {
        try
        {
            request.Validate();
            return null;
        }
        catch (InvalidSelectionRequestException e)
        {
            return await UsageErrorAsync(context, e);
        }
    }

    private static async Task<int> UsageErrorAsync(CliContext context, InvalidSelectionRequestException e)
    {
        var field = e.Field;
        var option = field.StartsWith("Variables[\"", StringComparison.Ordinal) ? $"--var {field[11..^2]}={e.Value}"
            : field.StartsWith("Capabilities", StringComparison.Ordinal) ? $"capability {e.Value}"
            : field.StartsWith("Groups", StringComparison.Ordinal) ? $"--group {e.Value}"
            : field switch
            {
                "CostLimit" => $"--cost-limit {e.Value}",
                "Environment" => $"--environment {e.Value}",
                "ExplicitMode" => $"--mode {e.Value}",
                "AssignmentKey" => $"--assignment-key {e.Value}",
                "User" => $"--user {e.Value}",
                _ => $"{field} {e.Value}",
            };
        await context.Error.WriteLineAsync($"error: {option}: {e.Rule}");
        await context.Error.WriteLineAsync("Run 'toolcatalog select --help' for usage.");
        return ExitCodes.Usage;
    }

    internal static async Task WriteTextAsync(TextWriter output, SelectionRequest request, SelectionEvaluation evaluation, ToolSelectionResult? selected, string source)
    {
        var variables = request.Variables is null || request.Variables.Count == 0
            ? "no variables (the evaluator's defaults: N=0, pages=1, p95_latency=100, cost=1, time_ms=1000)"
            : string.Join(", ", request.Variables.Select(v => $"{v.Key}={Number(v.Value)}"));
        if (evaluation.Relevance is { } relevance)
        {
            await output.WriteAsync(relevance.Explain());
        }

        await output.WriteLineAsync($"Selecting {string.Join(", ", evaluation.Capabilities)} for {variables}; environment {request.Environment.Trim()}; mode {evaluation.Mode.ToWire()} ({source}).");
        await output.WriteLineAsync($"Weights: {string.Join(", ", evaluation.Weights.Explain())}.");
        await output.WriteLineAsync();
        if (evaluation.Ranked.Count > 0)
        {
            await TextTable.WriteAsync(
                output,
                ["RANK", "TOOL.PATTERN", "CAPABILITY", "TIME MS", "COST", "SCORE", "RUN"],
                evaluation.Ranked.Select((r, i) => new[]
                {
                    (i + 1).ToString(CultureInfo.InvariantCulture),
                    r.Candidate.Key,
                    r.Candidate.CapabilityName,
                    Number(r.Candidate.EstimatedTimeMs),
                    Number(r.Candidate.EstimatedCost),
                    r.Score.ToString("0.0000", CultureInfo.InvariantCulture),
                    r.ExecutionMode.ToWire(),
                }));
            await output.WriteLineAsync();
            await output.WriteLineAsync("Why (feature: normalised value × weight = contribution):");
            for (var i = 0; i < evaluation.Ranked.Count; i++)
            {
                var ranked = evaluation.Ranked[i];
                var parts = ranked.Explain(evaluation.Weights).Where(c => c.Weight > 0)
                    .Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Feature} {c.Value:0.000}×{c.Weight:0.00}={c.Contribution:0.000}"));
                await output.WriteLineAsync($"  {i + 1}. {ranked.Candidate.Key}: {string.Join(", ", parts)}");
                foreach (var note in ranked.Policy.Notes)
                {
                    await output.WriteLineAsync($"     note: {note}");
                }

                if (ranked.Candidate.ExperimentNote is { } experiment)
                {
                    await output.WriteLineAsync($"     {experiment}");
                }

                if (ranked.Candidate.Calibration is { } calibration)
                {
                    await output.WriteLineAsync($"     telemetry: p50 {Number(ranked.Candidate.CalibratedP50Ms!.Value)} ms, p90 {Number(ranked.Candidate.CalibratedP90Ms!.Value)} ms over {calibration.Samples} runs; ranked on {(ranked.TimeSource == TimeSource.TelemetryP50 ? "the telemetry p50" : "the catalog estimate")}");
                }
            }
        }
        else
        {
            await output.WriteLineAsync("No candidate could be ranked.");
        }

        if (evaluation.Excluded.Count > 0)
        {
            await output.WriteLineAsync();
            await output.WriteLineAsync($"Excluded ({evaluation.Excluded.Count}):");
            foreach (var excluded in evaluation.Excluded)
            {
                await output.WriteLineAsync($"  - {excluded.ToolName}.{excluded.PatternName} ({excluded.CapabilityName}): {excluded.Reason}");
            }
        }

        if (selected is not null)
        {
            await output.WriteLineAsync();
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Selected: {selected.ToolName}.{selected.PatternName} (score {selected.FinalScore:0.0000}, {(selected.SelectionMethod == SelectionMethod.TieBreaker ? "tie-breaker" : "deterministic")}). {selected.Justification}"));
            await output.WriteLineAsync($"Run: {selected.ExecutionModeHint.ToWire()}, SLA {selected.SlaClass.ToWire()}, estimated {Number(selected.EstimatedTimeMs)} ms, cost {Number(selected.EstimatedCost)}."
                + (selected.Alternatives.Count > 0 ? $" Alternatives: {string.Join(", ", selected.Alternatives)}." : ""));
            if (selected.Winner.Candidate.ExperimentNote is { } experiment)
            {
                await output.WriteLineAsync($"Experiment: the request is enrolled in {experiment} of tool {selected.ToolName}.");
            }
            else if (selected.Winner.Candidate.Pattern.Tool.Experiment is { } running)
            {
                await output.WriteLineAsync($"Experiment: tool {selected.ToolName} is under experiment {running.Name}; this request is not enrolled, so it gets the latest version {selected.Version}.");
            }

            if (selected.IsAmbiguous)
            {
                await output.WriteLineAsync($"Close call (top two within {Number(evaluation.Epsilon)}): {selected.ClarifyingQuestion}");
            }
        }
    }

    private static async Task WriteJsonAsync(TextWriter output, SelectionRequest request, SelectionEvaluation evaluation, ToolSelectionResult? selected, ToolSelectionException? failure, string source)
    {
        await output.WriteLineAsync(JsonSerializer.Serialize(new
        {
            capabilities = evaluation.Capabilities,
            query = request.Query,
            query_terms = evaluation.Relevance?.Terms,
            matched_capabilities = evaluation.Relevance?.MatchedCapabilities.Select(m => new { capability = m.Capability, best_pattern = m.BestPattern, score = m.Score, matched_terms = m.MatchedTerms }),
            variables = request.Variables,
            environment = request.Environment,
            cost_limit = request.CostLimit,
            assignment_key = request.AssignmentKey,
            user = request.User,
            mode = evaluation.Mode.ToWire(),
            weights = evaluation.Weights.ToDictionary(),
            source,
            revision = evaluation.Revision,
            selected = selected is null ? null : new
            {
                tool = selected.ToolName,
                capability = selected.CapabilityName,
                pattern = selected.PatternName,
                score = selected.FinalScore,
                estimated_time_ms = selected.EstimatedTimeMs,
                estimated_cost = selected.EstimatedCost,
                execution_mode_hint = selected.ExecutionModeHint.ToWire(),
                sla_class = selected.SlaClass.ToWire(),
                justification = selected.Justification,
                selection_method = selected.SelectionMethod == SelectionMethod.TieBreaker ? "llm_tiebreaker" : "deterministic",
                alternatives = selected.Alternatives,
                is_ambiguous = selected.IsAmbiguous,
                clarifying_question = selected.ClarifyingQuestion,
                num_candidates = selected.NumCandidates,
                num_policy_violations = selected.NumPolicyViolations,
                version = selected.Version,
                experiment = Experiment(selected.Winner.Candidate),
            },
            error = failure?.Message,
            ranked = evaluation.Ranked.Select((r, i) => new
            {
                rank = i + 1,
                tool = r.Candidate.ToolName,
                capability = r.Candidate.CapabilityName,
                pattern = r.Candidate.PatternName,
                estimated_time_ms = r.Candidate.EstimatedTimeMs,
                estimated_cost = r.Candidate.EstimatedCost,
                score = r.Score,
                execution_mode_hint = r.ExecutionMode.ToWire(),
                sla_class = r.SlaClass.ToWire(),
                features = r.Explain(evaluation.Weights).Select(c => new { feature = c.Feature, value = c.Value, weight = c.Weight, contribution = c.Contribution }),
                notes = r.Policy.Notes,
                calibrated = r.Candidate.Calibration is { } calibration
                    ? new { samples = calibration.Samples, p50_ms = r.Candidate.CalibratedP50Ms, p90_ms = r.Candidate.CalibratedP90Ms, ranked_on = r.TimeSource == TimeSource.TelemetryP50 ? "telemetry_p50" : "catalog" }
                    : null,
                version = r.Candidate.Version,
                experiment = Experiment(r.Candidate),
            }),
            excluded = evaluation.Excluded.Select(e => new
            {
                tool = e.ToolName,
                capability = e.CapabilityName,
                pattern = e.PatternName,
                rule = JsonNamingPolicy.SnakeCaseLower.ConvertName(e.Rule.ToString()),
                reason = e.Reason,
                variable = e.Variable,
            }),
        }, CliJson.Options));
    }

    /// <summary>The experiment arm a candidate comes from, as JSON (<c>name</c>, <c>arm</c>, <c>version</c>), or null.</summary>
    private static object? Experiment(ToolCandidate candidate) => candidate.Experiment is { } experiment
        ? new { name = experiment.Name, arm = candidate.Arm == Experiments.ExperimentArm.B ? "b" : "a", version = candidate.Version }
        : null;

    /// <summary>Reads tools for a selection over files: every file must be valid (problems are listed on the error stream).</summary>
    private static async Task<CatalogSnapshot?> LoadFilesAsync(CliContext context, string path, bool expectProfiles, CancellationToken cancellationToken)
    {
        var full = context.ResolvePath(path);
        if (!File.Exists(full) && !Directory.Exists(full))
        {
            await context.Error.WriteLineAsync($"error: the path '{path}' does not exist.");
            return null;
        }

        var set = new CatalogFiles().Load([path], context.WorkingDirectory, null, cancellationToken);
        if (!set.IsValid)
        {
            foreach (var finding in set.Errors)
            {
                await context.Error.WriteLineAsync(finding.ToString());
            }

            await context.Error.WriteLineAsync($"error: {set.InvalidFiles.Count()} invalid file(s) in '{path}'; fix them ('toolcatalog validate {path}') before selecting over it.");
            return null;
        }

        if (expectProfiles && set.Files.Any(f => f.Shape != ToolFileShape.Profiles))
        {
            await context.Error.WriteLineAsync($"error: '{path}' is not an optimisation-profiles file (version + tools:); use --tools for per-tool files.");
            return null;
        }

        return CatalogSnapshot.Create(set.Tools, 0, CatalogSource.Yaml, context.TimeProvider.GetUtcNow(), keepFileOrder: true);
    }

    private static Dictionary<string, double>? ParseVariables(string[]? tokens)
    {
        if (tokens is null || tokens.Length == 0)
        {
            return null;
        }

        var variables = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var token in tokens)
        {
            if (TryParseVariable(token, out var name, out var value, out _))
            {
                variables[name!] = value;
            }
        }

        return variables;
    }

    internal static bool TryParseVariable(string token, out string? name, out double value, out string? problem)
    {
        name = null;
        value = 0;
        var at = token.IndexOf('=', StringComparison.Ordinal);
        if (at <= 0)
        {
            problem = $"--var '{token}' is not NAME=NUMBER (for example --var N=40).";
            return false;
        }

        name = token[..at].Trim();
        if (!VariableTable.IsDefaultVariable(name) && !IsIdentifier(name))
        {
            problem = $"--var '{token}': '{name}' is not a variable name (letters, digits and _, not starting with a digit).";
            return false;
        }

        if (!double.TryParse(token[(at + 1)..].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value) || !double.IsFinite(value))
        {
            problem = $"--var '{token}': '{token[(at + 1)..]}' is not a number (write 40, 2.5 or 1e3).";
            return false;
        }

        problem = null;
        return true;
    }

    private static bool IsIdentifier(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
