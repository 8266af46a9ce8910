namespace OpsConductor.ToolCatalog.Tests.Support;

/// <summary>
/// One database for the tests of a fixture marked <see cref="SharedDatabaseAttribute"/>, a fresh one for each other
/// test: for fixtures where some tests only touch rows of their own and the rest need a pristine catalog. The fixture
/// keeps one instance in a static field, calls <see cref="CreateSharedAsync"/> in its one-time set-up and disposes it
/// in its one-time tear-down; each test takes <see cref="ForCurrentTestAsync"/> and gives it back with
/// <see cref="ReleaseAsync"/>.
/// </summary>
internal sealed class SharedOrOwnDatabase : IAsyncDisposable
{
    /// <summary>The NUnit property <see cref="SharedDatabaseAttribute"/> sets.</summary>
    public const string Property = "SharedDatabase";

    private TestDatabase? _shared;

    /// <summary>Creates the fixture's shared database.</summary>
    public async Task CreateSharedAsync() => _shared = await TestDatabase.CreateAsync();

    /// <summary>The shared database when the running test is marked <see cref="SharedDatabaseAttribute"/>, else a fresh one.</summary>
    public async Task<TestDatabase> ForCurrentTestAsync() =>
        !TestContext.CurrentContext.Test.Properties.ContainsKey(Property)
            ? await TestDatabase.CreateAsync()
            : _shared ?? throw new InvalidOperationException("The shared database is made in the fixture's one-time set-up (CreateSharedAsync).");

    /// <summary>Drops <paramref name="database"/> unless it is the shared one.</summary>
    public async Task ReleaseAsync(TestDatabase database)
    {
        if (!ReferenceEquals(database, _shared))
        {
            await database.DisposeAsync();
        }
    }

    /// <summary>Drops the shared database.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_shared is not null)
        {
            await _shared.DisposeAsync();
            _shared = null;
        }
    }
}

/// <summary>Marks a test that uses its fixture's shared database (<see cref="SharedOrOwnDatabase"/>).</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
internal sealed class SharedDatabaseAttribute : PropertyAttribute
{
    public SharedDatabaseAttribute()
        : base(SharedOrOwnDatabase.Property, "true")
    {
    }
}
