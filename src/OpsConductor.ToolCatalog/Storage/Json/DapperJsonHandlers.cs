using System.Data;
using System.Text.Json;
using Dapper;
using Npgsql;
using NpgsqlTypes;
using OpsConductor.ToolCatalog.Model;

namespace OpsConductor.ToolCatalog.Storage.Json;

/// <summary>
/// Dapper type handlers that map the model's parts to and from JSON documents with <see cref="ModelJson"/>. Registered
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

        SqlMapper.AddTypeHandler(new Handler<DataMap>(ModelJson.WriteMap, ModelJson.ReadMap));
        SqlMapper.AddTypeHandler(new Handler<ToolDefaults>(ModelJson.WriteDefaults, ModelJson.ReadDefaults));
        SqlMapper.AddTypeHandler(new Handler<PolicyDefinition>(ModelJson.WritePolicy, ModelJson.ReadPolicy));
        SqlMapper.AddTypeHandler(new Handler<PreferenceMatch>(ModelJson.WritePreferences, ModelJson.ReadPreferences));
        SqlMapper.AddTypeHandler(new Handler<EquatableArray<string>>(ModelJson.WriteStrings, ModelJson.ReadStrings));
        SqlMapper.AddTypeHandler(new Handler<EquatableArray<DataValue>>(ModelJson.WriteValues, ModelJson.ReadValues));
        SqlMapper.AddTypeHandler(new Handler<EquatableArray<InputSpec>>(
            (w, v) => ModelJson.WriteArray(w, v, ModelJson.WriteInput), e => ModelJson.ReadArray(e, ModelJson.ReadInput)));
        SqlMapper.AddTypeHandler(new Handler<EquatableArray<OutputSpec>>(
            (w, v) => ModelJson.WriteArray(w, v, ModelJson.WriteOutput), e => ModelJson.ReadArray(e, ModelJson.ReadOutput)));
        SqlMapper.AddTypeHandler(new Handler<EquatableArray<DependencySpec>>(
            (w, v) => ModelJson.WriteArray(w, v, ModelJson.WriteDependency), e => ModelJson.ReadArray(e, ModelJson.ReadDependency)));
        SqlMapper.AddTypeHandler(new Handler<EquatableArray<ToolExample>>(
            (w, v) => ModelJson.WriteArray(w, v, ModelJson.WriteExample), e => ModelJson.ReadArray(e, ModelJson.ReadExample)));
    }

    private sealed class Handler<T>(Action<Utf8JsonWriter, T> write, Func<JsonElement, T> read) : SqlMapper.TypeHandler<T>
    {
        public override void SetValue(IDbDataParameter parameter, T? value)
        {
            parameter.Value = value is null ? DBNull.Value : ModelJson.Serialize(value, write);
            if (parameter is NpgsqlParameter npgsql)
            {
                npgsql.NpgsqlDbType = NpgsqlDbType.Json;
            }
        }

        public override T Parse(object value) => value switch
        {
            string json => ModelJson.Deserialize(json, read),
            _ => throw new DataException($"Expected JSON text for {typeof(T).Name}, got {value.GetType().Name}."),
        };
    }
}
