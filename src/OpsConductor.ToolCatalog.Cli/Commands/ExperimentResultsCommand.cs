using System.CommandLine;
using System.Globalization;
using OpsConductor.ToolCatalog.Experiments;

namespace OpsConductor.ToolCatalog.Cli.Commands;

/// <summary>
/// <c>toolcatalog experiment results NAME [--by-version] [--format json]</c> and
/// <c>toolcatalog experiment promote NAME [--arm a|b]</c>: an experiment's results from telemetry, and the
/// administrator's approval of its decision (docs/experiments.md).
/// </summary>
internal static class ExperimentResultsCommand
{
    public static Command ResultsVerb(CliContext context)
    {
        var connection = StoreCommandSupport.ConnectionOption();
        var name = new Argument<string>("name") { Description = "The experiment's name." };
        var byVersion = new Option<bool>("--by-version") { Description = "Also count records without an experiment of version a or b executed while it ran (not randomised; enrolled records are preferred)." };
        var format = StoreCommandSupport.FormatOption();
        var verb = new Command("results", "Show an experiment's results from telemetry: per-arm figures, sample-ratio check, p-value, winner and the decision.") { name, byVersion, connection, format };
        verb.SetAction((result, cancellationToken) => StoreCommandSupport.RunAsync(context, result, connection, async store =>
        {
            var attribution = result.GetValue(byVersion) ? ExperimentAttribution.EnrolledAndByVersion : ExperimentAttribution.Enrolled;
            var results = await store.GetExperimentResultsAsync(result.GetValue(name)!, attribution, cancellationToken);
            if (result.GetValue(format) == "json")
            {
                await context.Output.WriteLineAsync(results.ToJsonObject().ToJsonString(CliJson.Options));
                return ExitCodes.Success;
            }

            await WriteTextAsync(context.Output, results);
            return ExitCodes.Success;
        }, cancellationToken));
        return verb;
    }

    public static Command PromoteVerb(CliContext context)
    {
        var connection = StoreCommandSupport.ConnectionOption();
        var reason = StoreCommandSupport.ReasonOption();
        var name = new Argument<string>("name") { Description = "The experiment's name." };
        var arm = new Option<string?>("--arm") { Description = "The arm to adopt, a or b (default: the results' winner; needed when they are not conclusive)." };
        arm.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } text and not ("a" or "b"))
            {
                r.AddError($"--arm '{text}': must be a (keep version a, retire b) or b (make version b the latest).");
            }
        });
        var verb = new Command("promote", "Approve an experiment's decision: b makes version b the latest; a keeps version a and retires b. The experiment becomes completed.")
        {
            name, arm, connection, reason,
        };
        verb.SetAction((result, cancellationToken) => StoreCommandSupport.RunAsync(context, result, connection, async store =>
        {
            ExperimentArm? chosen = result.GetValue(arm) switch { "a" => ExperimentArm.A, "b" => ExperimentArm.B, _ => null };
            var completed = await store.PromoteExperimentAsync(result.GetValue(name)!, chosen, ExperimentAttribution.Enrolled, StoreCommandSupport.Change(result, reason), cancellationToken);
            var d = completed.Definition;
            await context.Output.WriteLineAsync(completed.Winner == ExperimentArm.B
                ? $"Experiment {completed.Name} completed: winner b; version {d.VersionB} is now the latest version of tool {d.Tool}."
                : $"Experiment {completed.Name} completed: winner a; version {d.VersionA} stays the latest version of tool {d.Tool}, version {d.VersionB} is deprecated.");
            await StoreCommandSupport.WriteDatabaseLineAsync(context, store);
            return ExitCodes.Success;
        }, cancellationToken));
        return verb;
    }

    private static async Task WriteTextAsync(TextWriter output, ExperimentResults r)
    {
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Experiment {r.Experiment} ({r.State.ToString().ToLowerInvariant()}), metric {(r.Metric == ExperimentMetric.Time ? "time" : "success")}, records {(r.Attribution == ExperimentAttribution.Enrolled ? "enrolled" : "enrolled and by version")}"));
        await TextTable.WriteAsync(
            output,
            ["ARM", "VERSION", "EXECUTIONS", "SUCCESS RATE (95% CI)", "MEAN MS (95% CI)", "MEDIAN MS (95% CI)", "P90 MS (95% CI)"],
            new[] { r.A, r.B }.Select(a => new[]
            {
                a.Arm == ExperimentArm.B ? "b" : "a",
                a.Version,
                a.ByVersion == 0 ? a.Executions.ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{a.Executions} ({a.ByVersion} by version)"),
                Figure(a.SuccessRate, "0.0000"),
                a.Time is { } t ? Figure(t.Mean, "0.#") : "-",
                a.Time is { } m ? Figure(m.Median, "0.#") : "-",
                a.Time is { } p ? Figure(p.P90, "0.#") : "-",
            }));
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"srm_p_value: {r.SampleRatio.PValue:G4}  srm_mismatch: {(r.SampleRatio.IsMismatch ? "true" : "false")}"));
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"p_value: {r.PValue:G4} (always-valid)  fixed-horizon: {(r.FixedHorizonPValue is { } f ? f.ToString("G4", CultureInfo.InvariantCulture) : "-")}  significant: {(r.Significant ? "true" : "false")}"));
        if (r.Effect is { } e)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"effect ({(r.Metric == ExperimentMetric.Time ? "time ratio b/a" : "success rate b - a")}): {Figure(e, "0.####")}"));
        }

        foreach (var g in r.Guardrails)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"guardrail {(g.Guardrail.Metric == ExperimentMetric.Time ? "time max_increase" : "success max_drop")} {g.Guardrail.Tolerance}: {(g.Breached ? "BREACHED" : "holds")} (change {g.Change:0.####})"));
        }

        await output.WriteLineAsync($"winner: {(r.Winner is null ? "null" : r.Winner == ExperimentArm.B ? "b" : "a")}");
        await output.WriteLineAsync($"decision: {r.Decision}: {r.Reason}");
    }

    private static string Figure(Estimate e, string format) => double.IsFinite(e.Value)
        ? string.Create(CultureInfo.InvariantCulture, $"{e.Value.ToString(format, CultureInfo.InvariantCulture)} ({e.Lower.ToString(format, CultureInfo.InvariantCulture)} to {e.Upper.ToString(format, CultureInfo.InvariantCulture)})")
        : "-";
}
