// Every fixture may run beside the others unless it says otherwise ([NonParallelizable] for a fixture that needs the
// process or a server to itself). Fixtures whose tests each have a database (or folder) of their own also run their
// tests in parallel ([Parallelizable(ParallelScope.All)] with [FixtureLifeCycle(LifeCycle.InstancePerTestCase)]).
// Most of a database test's time is spent waiting for the server, so a few more workers than the machine's two cores
// keep both busy; `dotnet test -- NUnit.NumberOfTestWorkers=N` overrides the number.
[assembly: Parallelizable(ParallelScope.Fixtures)]
[assembly: LevelOfParallelism(4)]
