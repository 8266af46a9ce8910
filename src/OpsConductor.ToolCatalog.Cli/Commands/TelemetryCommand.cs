using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using OpsConductor.ToolCatalog.Telemetry;

namespace OpsConductor.ToolCatalog.Cli.Commands;

/// <summary>
/// <c>toolcatalog telemetry prune --older-than 90d</c> (retention by partition, see <c>Prune</c>), and
/// <c>toolcatalog telemetry ingest FILE.jsonl [--skip-bad] [--batch N]</c>: loads execution records, one JSON object per
/// line (<see cref="ExecutionRecordJson"/>), into the telemetry table. The file is read twice: first every line is
/// checked (each bad line reported as <c>FILE:LINE: field: rule</c>), and without <c>--skip-bad</c> a bad line means
/// nothing is written; then the good lines are written in batches through
/// <see cref="Storage.ToolCatalogStore.WriteTelemetryAsync"/>. Exit 0 when every line was written, 1 when a line was
/// bad or matched no stored pattern, 2 on a usage error.
/// </summary>
internal static class TelemetryCommand
{
    /// <summary>How many unmatched names the summary lists.</summary>
    private const int UnmatchedShown = 5;

    public static Command Create(CliContext context)
    {
        var command = new Command("telemetry", "Execution telemetry: what each run of a pattern really took.");
        command.Subcommands.Add(Ingest(context));
        command.Subcommands.Add(Prune(context));
        command.Subcommands.Add(TelemetryRecommendCommand.Recommend(context));
        command.Subcommands.Add(TelemetryRecommendCommand.Apply(context));
        command.Subcommands.Add(TelemetryReportCommand.Create(context));
        return command;
    }

    /// <summary>
    /// <c>toolcatalog telemetry prune --older-than 90d</c>: drops every monthly telemetry partition that ended before the
    /// cut-off (whole partitions: no row-by-row delete), and older rows kept in the default partition.
    /// </summary>
    private static Command Prune(CliContext context)
    {
        var olderThan = new Option<string>("--older-than")
        {
            Description = "How old the telemetry to drop is: a number of days (90d) or weeks (12w). Whole months that ended before now minus this go.",
            Required = true,
        };
        olderThan.Validators.Add(r =>
        {
            if (Age(r.GetValueOrDefault<string>()) is null)
            {
                r.AddError("--older-than: must be a whole number of days or weeks from 1 to 36500 days, such as 90d or 12w");
            }
        });
        var connection = StoreCommandSupport.ConnectionOption();
        var format = StoreCommandSupport.FormatOption();
        var command = new Command("prune", "Drop the monthly telemetry partitions older than a given age (whole partitions; partitions ahead are kept).")
        {
            olderThan, connection, format,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var before = context.TimeProvider.GetUtcNow() - Age(result.GetValue(olderThan))!.Value;
            return await StoreCommandSupport.RunAsync(context, result.GetValue(connection), async (store, origin) =>
            {
                var dropped = await store.DropTelemetryPartitionsBeforeAsync(before, cancellationToken);
                if (result.GetValue(format) == "json")
                {
                    await context.Output.WriteLineAsync(JsonSerializer.Serialize(new
                    {
                        database = StoreCommandSupport.DatabaseLocation(store),
                        before = before.ToString("O", CultureInfo.InvariantCulture),
                        dropped,
                    }, CliJson.Options));
                    return ExitCodes.Success;
                }

                await context.Output.WriteLineAsync(dropped.Count == 0
                    ? string.Create(CultureInfo.InvariantCulture, $"No telemetry partition ends before {before:yyyy-MM-dd}; nothing was dropped.")
                    : string.Create(CultureInfo.InvariantCulture, $"Dropped {dropped.Count} {Plural(dropped.Count, "partition")} ending before {before:yyyy-MM-dd}: {string.Join(", ", dropped)}."));
                return ExitCodes.Success;
            }, cancellationToken);
        });
        return command;
    }

    /// <summary>An age like <c>90d</c> or <c>12w</c>, or null when it is not one.</summary>
    private static TimeSpan? Age(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length < 2)
        {
            return null;
        }

        var unit = char.ToLowerInvariant(text[^1]);
        if (!int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            return null;
        }

        var days = unit switch { 'd' => count, 'w' => count * 7L, _ => -1L };
        return days is >= 1 and <= 36_500 ? TimeSpan.FromDays(days) : null;
    }

    private static Command Ingest(CliContext context)
    {
        var file = new Argument<string>("file")
        {
            Description = "A JSON Lines file: one execution record per line (tool, version, capability, pattern, actual_time_ms, actual_cost, success, environment, variables, executed_at, …); blank lines are skipped.",
        };
        var skipBad = new Option<bool>("--skip-bad") { Description = "Write the good lines even when some lines are bad (default: a bad line means nothing is written)." };
        var batch = new Option<int>("--batch") { Description = "Records per write (default 10000).", DefaultValueFactory = _ => 10_000 };
        batch.Validators.Add(r =>
        {
            if (r.TryGetValue<int>(out var n) && n is < 1 or > 1_000_000)
            {
                r.AddError("--batch: must be from 1 to 1000000");
            }
        });
        var connection = StoreCommandSupport.ConnectionOption();
        var format = StoreCommandSupport.FormatOption();
        var command = new Command("ingest", "Load execution records from a JSON Lines file into the catalog's telemetry; bad lines are named by line number and rule.")
        {
            file, skipBad, batch, connection, format,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var given = result.GetValue(file)!;
            var path = context.ResolvePath(given);
            if (!File.Exists(path))
            {
                await context.Error.WriteLineAsync($"error: the file '{given}' does not exist. Nothing was written.");
                return ExitCodes.Usage;
            }

            var now = context.TimeProvider.GetUtcNow();
            var check = await CheckAsync(context, given, path, now, cancellationToken);
            if (check is null)
            {
                return ExitCodes.Failure;
            }

            var json = result.GetValue(format) == "json";
            var skip = result.GetValue(skipBad);
            if (check.Bad > 0 && !skip)
            {
                var refused = new Summary(check.Read, 0, check.Bad, 0, [], Refused: true);
                await WriteAsync(context, json, given, refused, database: null);
                return ExitCodes.Failure;
            }

            return await StoreCommandSupport.RunAsync(context, result.GetValue(connection), async (store, origin) =>
            {
                var size = result.GetValue(batch);
                var written = 0;
                var unmatched = 0;
                var names = new List<string>();
                var pending = new List<ExecutionRecord>(Math.Min(size, check.Read));
                async Task FlushAsync()
                {
                    var outcome = await store.WriteTelemetryAsync(pending, cancellationToken);
                    written += outcome.Written;
                    unmatched += outcome.Unmatched.Count;
                    foreach (var position in outcome.Unmatched)
                    {
                        var name = Describe(pending[position]);
                        if (names.Count < UnmatchedShown && !names.Contains(name))
                        {
                            names.Add(name);
                        }
                    }

                    pending.Clear();
                }

                try
                {
                    await foreach (var (_, line) in ReadLinesAsync(path, cancellationToken))
                    {
                        if (ExecutionRecordJson.TryRead(line, now, out var record, out var _))
                        {
                            pending.Add(record);
                            if (pending.Count == size)
                            {
                                await FlushAsync();
                            }
                        }
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or DecoderFallbackException)
                {
                    // The file changed or went away between the check and the write.
                    await context.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"error: the file '{given}' could not be read again: {e.Message} {written} records were written before (each batch is one transaction)."));
                    return ExitCodes.Failure;
                }

                if (pending.Count > 0)
                {
                    await FlushAsync();
                }

                var summary = new Summary(check.Read, written, check.Bad, unmatched, names, Refused: false);
                await WriteAsync(context, json, given, summary, StoreCommandSupport.DatabaseLocation(store));
                return check.Bad == 0 && unmatched == 0 ? ExitCodes.Success : ExitCodes.Failure;
            }, cancellationToken);
        });
        return command;
    }

    /// <summary>The first pass: every non-blank line read and checked, each bad one reported on standard error. Null
    /// when the file could not be read (reported).</summary>
    private static async Task<Check?> CheckAsync(CliContext context, string given, string path, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var read = 0;
        var bad = 0;
        try
        {
            await foreach (var (number, line) in ReadLinesAsync(path, cancellationToken))
            {
                read++;
                if (!ExecutionRecordJson.TryRead(line, now, out _, out var error))
                {
                    bad++;
                    await context.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{given}:{number}: {error}"));
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DecoderFallbackException)
        {
            await context.Error.WriteLineAsync($"error: the file '{given}' could not be read: {e.Message} Nothing was written.");
            return null;
        }

        return new Check(read, bad);
    }

    /// <summary>The file's non-blank lines with their 1-based numbers. The file must be UTF-8 (a bad byte throws).</summary>
    private static async IAsyncEnumerable<(int Number, string Line)> ReadLinesAsync(string path, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
        var number = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            number++;
            if (!string.IsNullOrWhiteSpace(line))
            {
                yield return (number, line);
            }
        }
    }

    private static string Describe(ExecutionRecord record) =>
        $"{record.Tool}{(record.Version is null ? "" : " " + record.Version)} {record.Capability}/{record.Pattern}";

    private static async Task WriteAsync(CliContext context, bool json, string file, Summary summary, string? database)
    {
        if (json)
        {
            await context.Output.WriteLineAsync(JsonSerializer.Serialize(new
            {
                database,
                file,
                read = summary.Read,
                written = summary.Written,
                bad = summary.Bad,
                unmatched = summary.Unmatched,
                unmatched_names = summary.UnmatchedNames,
                refused = summary.Refused,
            }, CliJson.Options));
            return;
        }

        var text = string.Create(CultureInfo.InvariantCulture,
            $"{summary.Read} {Plural(summary.Read, "record")} read from {file}: {summary.Written} written, {summary.Unmatched} unmatched, {summary.Bad} bad.");
        await context.Output.WriteLineAsync(text);
        if (summary.Refused)
        {
            await context.Output.WriteLineAsync("Nothing was written: fix the bad lines listed on standard error, or pass --skip-bad to load the others.");
            return;
        }

        if (summary.Unmatched > 0)
        {
            await context.Output.WriteLineAsync(
                $"Not written, no stored tool version, capability and pattern of these names: {string.Join(", ", summary.UnmatchedNames)}{(summary.Unmatched > summary.UnmatchedNames.Count ? ", …" : "")}.");
        }

        if (database is not null)
        {
            await context.Output.WriteLineAsync($"Database: {database}.");
        }
    }

    private static string Plural(int count, string word) => count == 1 ? word : word + "s";

    private sealed record Check(int Read, int Bad);

    private sealed record Summary(int Read, int Written, int Bad, int Unmatched, IReadOnlyList<string> UnmatchedNames, bool Refused);
}
