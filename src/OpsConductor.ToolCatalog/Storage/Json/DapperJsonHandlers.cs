using System.Data;
using System.Text.Json.Serialization.Metadata;
using Dapper;
using Npgsql;
using NpgsqlTypes;
using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Storage.Json;

/// <summary>
/// Dapper type handlers that map the model's parts to and from JSON documents with <see cref="ModelJson"/> (its <see cref="ModelJson.Stored"/> format). Registered
/// once, for our own types only; no other Dapper setting is touched. Parameters are sent as <c>json</c>: the pattern
/// columns are json (kept as sent), and PostgreSQL converts json to jsonb for the jsonb columns by assignment.
/// </summary>
internal static class DapperJsonHandlers
{
    private static int _registered;

    public static void EnsureRegistered()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1)
        {
            return;
        }

        var format = ModelJson.Stored;
        SqlMapper.AddTypeHandler(new Handler<DataMap>(format.Map));
        SqlMapper.AddTypeHandler(new Handler<ToolDefaults>(format.Defaults));
        SqlMapper.AddTypeHandler(new Handler<PolicyDefinition>(format.Policy));
        SqlMapper.AddTypeHandler(new Handler<PreferenceMatch>(format.Preferences));
        SqlMapper.AddTypeHandler(new Handler<EquatableArray<string>>(format.Strings));
        SqlMapper.AddTypeHandler(new Handler<EquatableArray<DataValue>>(format.Values));
        SqlMapper.AddTypeHandler(new Handler<EquatableArray<InputSpec>>(format.Inputs));
        SqlMapper.AddTypeHandler(new Handler<EquatableArray<OutputSpec>>(format.Outputs));
        SqlMapper.AddTypeHandler(new Handler<EquatableArray<DependencySpec>>(format.Dependencies));
        SqlMapper.AddTypeHandler(new Handler<EquatableArray<ToolExample>>(format.Examples));
    }

    private sealed class Handler<T>(JsonTypeInfo<T> info) : SqlMapper.TypeHandler<T>
    {
        public override void SetValue(IDbDataParameter parameter, T? value)
        {
            parameter.Value = value is null ? DBNull.Value : ModelJson.Serialize(value, info);
            if (parameter is NpgsqlParameter npgsql)
            {
                npgsql.NpgsqlDbType = NpgsqlDbType.Json;
            }
        }

        public override T Parse(object value) => value switch
        {
            string json => ModelJson.Deserialize(json, info),
            _ => throw new DataException($"Expected JSON text for {typeof(T).Name}, got {value.GetType().Name}."),
        };
    }
}
