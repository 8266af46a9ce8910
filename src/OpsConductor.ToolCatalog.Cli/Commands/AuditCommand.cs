using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using OpsConductor.ToolCatalog.Storage;

namespace OpsConductor.ToolCatalog.Cli.Commands;

/// <summary><c>toolcatalog audit verify [--expect-head POSITION:HASH]</c>: checks the audit log's hash chain.</summary>
internal static class AuditCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("audit", "The catalog's audit log: who changed what, when and why.");
        command.Subcommands.Add(Verify(context));
        return command;
    }

    private static Command Verify(CliContext context)
    {
        var expectHead = new Option<string?>("--expect-head")
        {
            Description = "A head printed by an earlier 'audit verify' (POSITION:HASH): also checks that the chain still holds it, which finds rows removed from the end or a chain rewritten to the end.",
        };
        expectHead.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } head && !AuditChainHead.TryParse(head, out _))
            {
                r.AddError($"--expect-head '{head}': must be {AuditChainHead.Form}");
            }
        });
        var connection = StoreCommandSupport.ConnectionOption();
        var format = StoreCommandSupport.FormatOption();
        var command = new Command("verify", "Check the audit log's hash chain: every row's hash recomputed, every link and position checked. Exit 1 when a row was changed, removed or slipped in.")
        {
            expectHead, connection, format,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var expected = result.GetValue(expectHead);
            return await StoreCommandSupport.RunAsync(context, result.GetValue(connection), async (store, origin) =>
            {
                var report = await store.VerifyAuditChainAsync(expected, cancellationToken: cancellationToken);
                var code = report.IsIntact ? ExitCodes.Success : ExitCodes.Failure;
                if (result.GetValue(format) == "json")
                {
                    await context.Output.WriteLineAsync(JsonSerializer.Serialize(new
                    {
                        database = StoreCommandSupport.DatabaseLocation(store),
                        intact = report.IsIntact,
                        rows = report.Rows,
                        head = report.Head?.ToString(),
                        expected_head_found = report.ExpectedHeadFound,
                        problems = report.Problems.Select(p => new
                        {
                            id = p.Id,
                            position = p.Position,
                            kind = JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Kind.ToString()),
                            detail = p.Detail,
                        }),
                    }, CliJson.Options));
                    return code;
                }

                var output = context.Output;
                foreach (var problem in report.Problems)
                {
                    await output.WriteLineAsync($"problem: {problem.Detail}");
                }

                if (report.ExpectedHeadFound is false)
                {
                    await output.WriteLineAsync($"problem: the head {expected} recorded earlier is no longer in the chain (rows at the end were removed or the chain rewritten)");
                }

                await output.WriteLineAsync(report.IsIntact
                    ? string.Create(CultureInfo.InvariantCulture, $"The audit log is intact: {report.Rows} {(report.Rows == 1 ? "row" : "rows")} chained.")
                    : string.Create(CultureInfo.InvariantCulture, $"The audit log is NOT intact: {report.Problems.Count + (report.ExpectedHeadFound is false ? 1 : 0)} problem(s) in {report.Rows} rows."));
                if (report.Head is { } head)
                {
                    await output.WriteLineAsync($"Head: {head} (keep it elsewhere and pass it as --expect-head next time)");
                }

                return code;
            }, cancellationToken);
        });
        return command;
    }
}
