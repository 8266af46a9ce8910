using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using OpsConductor.ToolCatalog.Experiments;

namespace OpsConductor.ToolCatalog.Cli.Commands;

/// <summary>
/// <c>toolcatalog experiment create|start|stop|status|assign|results|promote</c>: stored A/B experiments between two
/// versions of a tool (docs/experiments.md); results and promote are in <see cref="ExperimentResultsCommand"/>.
/// </summary>
internal static class ExperimentCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("experiment", "Define, start, stop and inspect A/B experiments between two versions of a tool (see docs/experiments.md).")
        {
            CreateVerb(context),
            StateVerb(context, "start", "Start a draft experiment (draft -> running).", start: true),
            StateVerb(context, "stop", "Stop a running experiment (running -> stopped).", start: false),
            StatusVerb(context),
            AssignVerb(context),
            ExperimentResultsCommand.ResultsVerb(context),
            ExperimentResultsCommand.PromoteVerb(context),
        };
        return command;
    }

    private static Command CreateVerb(CliContext context)
    {
        var connection = StoreCommandSupport.ConnectionOption();
        var reason = StoreCommandSupport.ReasonOption();
        var name = new Argument<string>("name") { Description = "The experiment's unique name (the rules of tool names)." };
        var tool = new Option<string>("--tool") { Description = "The tool whose versions are compared.", Required = true };
        var a = new Option<string>("--a") { Description = "Arm a (the control): a stored version of the tool.", Required = true };
        var b = new Option<string>("--b") { Description = "Arm b (the treatment): another stored version of the tool.", Required = true };
        var split = new Option<string>("--split") { Description = "The share of enrolled keys in arm b, greater than 0 and less than 1.", DefaultValueFactory = _ => "0.5" };
        split.Validators.Add(r =>
        {
            var text = r.GetValueOrDefault<string>();
            if (ParseSplit(text) is null)
            {
                r.AddError($"--split '{text}': must be a number greater than 0 and less than 1 (the share of keys in arm b, e.g. 0.5).");
            }
        });
        var environments = new Option<string[]>("--environment") { Description = "An environment the experiment applies to (repeat for more; none: every environment).", AllowMultipleArgumentsPerToken = false };
        var users = new Option<string[]>("--user") { Description = "A user or group the experiment applies to (repeat for more; none: everyone)." };
        var metric = new Option<string>("--metric") { Description = "The primary metric: success (success rate) or time (execution time).", DefaultValueFactory = _ => "success" };
        metric.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string>() is not ("success" or "time"))
            {
                r.AddError($"--metric '{r.GetValueOrDefault<string>()}': must be success (success rate) or time (execution time).");
            }
        });
        var minSamples = new Option<int>("--min-samples") { Description = "Enrolled executions each arm needs before a decision (at least 1).", DefaultValueFactory = _ => 100 };
        minSamples.Validators.Add(r =>
        {
            if (r.TryGetValue<int>(out var n) && n < 1)
            {
                r.AddError(string.Create(CultureInfo.InvariantCulture, $"--min-samples {n}: must be at least 1."));
            }
        });
        var autoPromote = new Option<bool>("--auto-promote") { Description = "Promote a conclusive winner without an administrator's approval (by the experiment monitor)." };
        var guardrails = new Option<string>("--guardrails") { Description = "Guardrails, a JSON array such as [{\"metric\":\"success\",\"max_drop\":0.02},{\"metric\":\"time\",\"max_increase\":0.1}].", DefaultValueFactory = _ => "[]" };
        guardrails.Validators.Add(r =>
        {
            try
            {
                Guardrail.Parse(r.GetValueOrDefault<string>() ?? "");
            }
            catch (ArgumentException e)
            {
                r.AddError($"--{e.Message}");
            }
        });
        var description = new Option<string?>("--description") { Description = "What the experiment is for." };
        var seed = new Option<string?>("--seed") { Description = "The assignment hash's seed (default: the experiment's name)." };
        var verb = new Command("create", "Define an experiment (it starts as a draft).")
        {
            name, tool, a, b, split, environments, users, metric, minSamples, autoPromote, guardrails, description, seed, connection, reason,
        };
        verb.SetAction((result, cancellationToken) => StoreCommandSupport.RunAsync(context, result, connection, async store =>
        {
            var created = await store.CreateExperimentAsync(new ExperimentDefinition
            {
                Name = result.GetValue(name)!,
                Tool = result.GetValue(tool)!,
                VersionA = result.GetValue(a)!,
                VersionB = result.GetValue(b)!,
                Split = ParseSplit(result.GetValue(split))!.Value,
                Environments = result.GetValue(environments) ?? [],
                Users = result.GetValue(users) ?? [],
                Metric = result.GetValue(metric) == "time" ? ExperimentMetric.Time : ExperimentMetric.Success,
                MinimumSampleSize = result.GetValue(minSamples),
                AutoPromote = result.GetValue(autoPromote),
                Guardrails = result.GetValue(guardrails)!,
                Description = result.GetValue(description),
                Seed = result.GetValue(seed),
            }, StoreCommandSupport.Change(result, reason), cancellationToken);
            await context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Experiment {created.Name} created as a draft: tool {created.Definition.Tool}, a = {created.Definition.VersionA}, b = {created.Definition.VersionB}, split {created.Definition.Split} to b. Start it with 'toolcatalog experiment start {created.Name}'."));
            await StoreCommandSupport.WriteDatabaseLineAsync(context, store);
            return ExitCodes.Success;
        }, cancellationToken));
        return verb;
    }

    private static Command StateVerb(CliContext context, string verbName, string summary, bool start)
    {
        var connection = StoreCommandSupport.ConnectionOption();
        var reason = StoreCommandSupport.ReasonOption();
        var name = new Argument<string>("name") { Description = "The experiment's name." };
        var verb = new Command(verbName, summary) { name, connection, reason };
        verb.SetAction((result, cancellationToken) => StoreCommandSupport.RunAsync(context, result, connection, async store =>
        {
            var change = StoreCommandSupport.Change(result, reason);
            var experiment = start
                ? await store.StartExperimentAsync(result.GetValue(name)!, change, cancellationToken)
                : await store.StopExperimentAsync(result.GetValue(name)!, change, cancellationToken);
            await context.Output.WriteLineAsync($"Experiment {experiment.Name} is {State(experiment.State)}.");
            await StoreCommandSupport.WriteDatabaseLineAsync(context, store);
            return ExitCodes.Success;
        }, cancellationToken));
        return verb;
    }

    private static Command StatusVerb(CliContext context)
    {
        var connection = StoreCommandSupport.ConnectionOption();
        var name = new Argument<string?>("name") { Description = "One experiment (default: every experiment).", Arity = ArgumentArity.ZeroOrOne };
        var format = StoreCommandSupport.FormatOption();
        var verb = new Command("status", "Show experiments: definition and state.") { name, connection, format };
        verb.SetAction((result, cancellationToken) => StoreCommandSupport.RunAsync(context, result, connection, async store =>
        {
            IReadOnlyList<Experiment> experiments;
            if (result.GetValue(name) is { } one)
            {
                if (await store.GetExperimentAsync(one, cancellationToken) is not { } found)
                {
                    await context.Error.WriteLineAsync($"error: there is no experiment named '{one}'. 'toolcatalog experiment status' lists them.");
                    return ExitCodes.Failure;
                }

                experiments = [found];
            }
            else
            {
                experiments = await store.ListExperimentsAsync(cancellationToken);
            }

            if (result.GetValue(format) == "json")
            {
                var items = experiments.Select(Json).ToList();
                await context.Output.WriteLineAsync(result.GetValue(name) is null
                    ? JsonSerializer.Serialize(items, CliJson.Options)
                    : JsonSerializer.Serialize(items[0], CliJson.Options));
                return ExitCodes.Success;
            }

            await TextTable.WriteAsync(
                context.Output,
                ["NAME", "TOOL", "A", "B", "SPLIT", "METRIC", "STATE", "TARGET", "STARTED", "STOPPED"],
                experiments.Select(e => new[]
                {
                    e.Name,
                    e.Definition.Tool,
                    e.Definition.VersionA,
                    e.Definition.VersionB,
                    e.Definition.Split.ToString(CultureInfo.InvariantCulture),
                    Metric(e.Definition.Metric),
                    State(e.State),
                    Target(e),
                    e.StartedAt?.ToString("u", CultureInfo.InvariantCulture) ?? "",
                    e.StoppedAt?.ToString("u", CultureInfo.InvariantCulture) ?? "",
                }));
            return ExitCodes.Success;
        }, cancellationToken));
        return verb;
    }

    private static Command AssignVerb(CliContext context)
    {
        var connection = StoreCommandSupport.ConnectionOption();
        var name = new Argument<string>("name") { Description = "The experiment's name." };
        var key = new Option<string>("--key") { Description = "The assignment key (a user id or a request id).", Required = true };
        var environment = new Option<string?>("--environment") { Description = "The request's environment (checked against the experiment's target environments)." };
        var user = new Option<string?>("--user") { Description = "The request's user (checked against the target users and groups; default: the key)." };
        var groups = new Option<string[]>("--group") { Description = "A group the request's user belongs to (repeat for more; checked against the target users and groups)." };
        var format = StoreCommandSupport.FormatOption();
        var verb = new Command("assign", "Print the arm (a or b) a key gets in an experiment, or that it is not enrolled.") { name, key, environment, user, groups, connection, format };
        verb.SetAction((result, cancellationToken) => StoreCommandSupport.RunAsync(context, result, connection, async store =>
        {
            var experimentName = result.GetValue(name)!;
            if (await store.GetExperimentAsync(experimentName, cancellationToken) is not { } experiment)
            {
                await context.Error.WriteLineAsync($"error: there is no experiment named '{experimentName}'. 'toolcatalog experiment status' lists them.");
                return ExitCodes.Failure;
            }

            var k = result.GetValue(key)!;
            var enrolled = experiment.IsTargeted(result.GetValue(environment), result.GetValue(user) ?? k, result.GetValue(groups));
            string? arm = enrolled ? (experiment.Assign(k) == ExperimentArm.B ? "b" : "a") : null;
            if (result.GetValue(format) == "json")
            {
                await context.Output.WriteLineAsync(JsonSerializer.Serialize(new
                {
                    experiment = experiment.Name,
                    key = k,
                    enrolled,
                    arm,
                    version = arm is null ? null : arm == "a" ? experiment.Definition.VersionA : experiment.Definition.VersionB,
                    point = ArmAssignment.Point(ArmAssignment.Seed(experiment.Seed), k),
                    split = experiment.Definition.Split,
                    state = State(experiment.State),
                }, CliJson.Options));
                return ExitCodes.Success;
            }

            await context.Output.WriteLineAsync(arm ?? $"not enrolled: the key is outside experiment {experiment.Name}'s target ({Target(experiment)}).");
            return ExitCodes.Success;
        }, cancellationToken));
        return verb;
    }

    private static object Json(Experiment e) => new
    {
        name = e.Name,
        description = e.Definition.Description,
        tool = e.Definition.Tool,
        a = e.Definition.VersionA,
        b = e.Definition.VersionB,
        split = e.Definition.Split,
        seed = e.Seed,
        environments = e.Definition.Environments,
        users = e.Definition.Users,
        metric = Metric(e.Definition.Metric),
        guardrails = JsonSerializer.Deserialize<JsonElement>(e.Definition.Guardrails),
        min_samples = e.Definition.MinimumSampleSize,
        auto_promote = e.Definition.AutoPromote,
        state = State(e.State),
        started_at = e.StartedAt,
        stopped_at = e.StoppedAt,
        winner = e.Winner is null ? null : e.Winner == ExperimentArm.B ? "b" : "a",
        created_by = e.CreatedBy,
        created_at = e.CreatedAt,
    };

    private static string Target(Experiment e)
    {
        var environments = e.Definition.Environments.Count == 0 ? "every environment" : "environments " + string.Join(", ", e.Definition.Environments);
        var users = e.Definition.Users.Count == 0 ? "everyone" : "users " + string.Join(", ", e.Definition.Users);
        return $"{environments}; {users}";
    }

    private static double? ParseSplit(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value is > 0 and < 1 ? value : null;

    private static string Metric(ExperimentMetric metric) => metric == ExperimentMetric.Time ? "time" : "success";

    private static string State(ExperimentState state) => state.ToString().ToLowerInvariant();
}
