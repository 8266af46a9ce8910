using BenchmarkDotNet.Running;

// Run one suite:   dotnet run -c Release --project benchmarks/OpsConductor.ToolCatalog.Benchmarks -- --filter '*Expression*'
// Run everything:  dotnet run -c Release --project benchmarks/OpsConductor.ToolCatalog.Benchmarks -- --filter '*'
// End-to-end bulk import (not BenchmarkDotNet): ... -- bulk-import [--tools 10000] [--rounds 3]
if (args.Length > 0 && args[0] == "bulk-import")
{
    return await OpsConductor.ToolCatalog.Benchmarks.BulkImportMeasurement.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
