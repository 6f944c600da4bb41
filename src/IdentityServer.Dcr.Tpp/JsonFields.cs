// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json.Nodes;

namespace IdentityServer.Dcr.Tpp;

/// <summary>Reads fields of JSON objects from banks and SSAs without throwing on a wrong type.</summary>
internal static class JsonFields
{
    public static string? Text(JsonObject? json, string name) => json?[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static long? Number(JsonObject? json, string name) => json?[name] is JsonValue v && v.TryGetValue<long>(out var n) ? n : null;

    public static List<string>? Texts(JsonObject? json, string name) => json?[name] is JsonArray array
        ? array.OfType<JsonValue>().Select(v => v.TryGetValue<string>(out var s) ? s : null).OfType<string>().ToList()
        : null;
}
