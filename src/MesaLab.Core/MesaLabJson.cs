namespace MesaLab.Core;

using System.Text.Json;
using System.Text.Json.Serialization;

/// <summary>
/// How MesaLab writes JSON everywhere (stored results, checkpoints' metadata, <c>--json</c> documents): snake_case
/// names, enums as snake_case strings, NaN and ∞ as named literals so that "not measured" survives a round trip.
/// </summary>
public static class MesaLabJson
{
    /// <summary>Indented: for documents people read (<c>--json</c> output).</summary>
    public static readonly JsonSerializerOptions Indented = Create(indented: true);

    /// <summary>Compact: for documents stored in files and the run store.</summary>
    public static readonly JsonSerializerOptions Compact = Create(indented: false);

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Compact);

    public static T? Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Compact);

    private static JsonSerializerOptions Create(bool indented) => new()
    {
        WriteIndented = indented,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };
}
