using BenchmarkDotNet.Running;

// Run one suite:   dotnet run -c Release --project benchmarks/OpsConductor.ToolCatalog.Benchmarks -- --filter '*Expression*'
// Run everything:  dotnet run -c Release --project benchmarks/OpsConductor.ToolCatalog.Benchmarks -- --filter '*'
// End-to-end bulk import (not BenchmarkDotNet): ... -- bulk-import [--tools 10000] [--rounds 3]
// Bulk import's row writers side by side (decision 0403): ... -- copy-writers [--tools 10000] [--rounds 5]
// The JSON columns, source-generated vs hand-written, interleaved (decision 1301): ... -- model-json [--rounds 15] [--repeat 5]
// DynamicExpresso side by side with the engine (decision 0001): ... -- dynamicexpresso [--rounds 5]
// The telemetry recorder: Record's cost, COPY ingest vs one INSERT per record (issue 15): ... -- telemetry [--records 200000] [--rounds 3]
// The telemetry report over 10 million rows against a full scan and exact percentile_cont (decision 1502): ... -- telemetry-report [--rows 10000000] [--rounds 3]
// The decision log's cost on selection (off, 1 %, 100 %) and replay throughput (issue 15): ... -- decisions [--calls 200000] [--block 5000] [--rounds 3]
// Selection with experiments running, interleaved (decision 1602): ... -- experiment-selection [--calls 20000] [--rounds 31]
// What the query costs: selection with and without a query, query-only, snapshot build with the index, apply with the index (issue 18): ... -- query-selection [--calls 20000] [--rounds 21] [--build-rounds 7] [--tools 10000] [--apply-calls 5]
// Many tenants in one process: memory per view, lookup and selection on views vs a one-tenant runtime, a global change reaching every view (issue 19): ... -- tenancy [--tenants 1000] [--own 20] [--global 200] [--calls 20000] [--rounds 21] [--changes 20]
// Where a snapshot's memory goes, part by part (issue 20, docs/scaling.md): ... -- snapshot-memory [--tools 5000]
// Measurements with interleaved rounds (experiment-selection, query-selection, tenancy, ...) take --clock wall|thread:
// thread times each block by the thread's CPU time, which a loaded machine disturbs much less than wall time.
// Hot reload across processes and after a killed listener: ... -- propagation [--changes 1000] | staleness [--rounds 20]
OpsConductor.ToolCatalog.Benchmarks.Selection.RoundClock.Configure(args);
switch (args.FirstOrDefault())
{
    case "bulk-import":
        return await OpsConductor.ToolCatalog.Benchmarks.BulkImportMeasurement.RunAsync(args[1..]);
    case "copy-writers":
        return await OpsConductor.ToolCatalog.Benchmarks.Storage.CopyWriterMeasurement.RunAsync(args[1..]);
    case "model-json":
        return OpsConductor.ToolCatalog.Benchmarks.Storage.ModelJsonMeasurement.Run(args[1..]);
    case "dynamicexpresso":
        return OpsConductor.ToolCatalog.Benchmarks.Expressions.DynamicExpressoMeasurement.Run(args[1..]);
    case "telemetry":
        return await OpsConductor.ToolCatalog.Benchmarks.Telemetry.TelemetryMeasurement.RunAsync(args[1..]);
    case "telemetry-report":
        return await OpsConductor.ToolCatalog.Benchmarks.Telemetry.TelemetryReportMeasurement.RunAsync(args[1..]);
    case "decisions":
        return await OpsConductor.ToolCatalog.Benchmarks.Decisions.DecisionMeasurement.RunAsync(args[1..]);
    case "experiment-selection":
        return OpsConductor.ToolCatalog.Benchmarks.Selection.ExperimentSelectionMeasurement.Run(args[1..]);
    case "query-selection":
        return OpsConductor.ToolCatalog.Benchmarks.Selection.QuerySelectionMeasurement.Run(args[1..]);
    case "tenancy":
        return await OpsConductor.ToolCatalog.Benchmarks.Runtime.TenancyMeasurement.RunAsync(args[1..]);
    case "propagation":
        return await OpsConductor.ToolCatalog.Benchmarks.Runtime.PropagationMeasurement.RunAsync(args[1..]);
    case "propagation-child":
        return await OpsConductor.ToolCatalog.Benchmarks.Runtime.PropagationMeasurement.ChildAsync();
    case "snapshot-memory":
        return OpsConductor.ToolCatalog.Benchmarks.Runtime.SnapshotMemoryMeasurement.Run(args[1..]);
    case "staleness":
        return await OpsConductor.ToolCatalog.Benchmarks.Runtime.PropagationMeasurement.StalenessAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
