using BenchmarkDotNet.Running;

// Run one suite:   dotnet run -c Release --project benchmarks/OpsConductor.ToolCatalog.Benchmarks -- --filter '*Expression*'
// Run everything:  dotnet run -c Release --project benchmarks/OpsConductor.ToolCatalog.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
