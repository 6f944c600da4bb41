// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json;

namespace IdentityServer.Dcr.Tokens;

/// <summary>The outcome of reading one claim: absent, present with the right type, or present with a wrong one.</summary>
internal enum ClaimState
{
    Absent,
    Present,
    WrongType,
}

/// <summary>Typed, non-throwing reads of JWT claims. A claim of the wrong JSON type is reported, never coerced.</summary>
internal static class ClaimReader
{
    public static ClaimState ReadString(JsonElement claims, string name, out string? value)
    {
        value = null;
        if (claims.ValueKind != JsonValueKind.Object || !claims.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return ClaimState.Absent;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            return ClaimState.WrongType;
        }

        value = element.GetString();
        return ClaimState.Present;
    }

    /// <summary>Reads a NumericDate (RFC 7519): a JSON number of seconds, fractions allowed.</summary>
    public static ClaimState ReadNumericDate(JsonElement claims, string name, out DateTimeOffset value)
    {
        value = default;
        if (claims.ValueKind != JsonValueKind.Object || !claims.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return ClaimState.Absent;
        }

        if (element.ValueKind != JsonValueKind.Number || !element.TryGetDouble(out var seconds)
            || double.IsNaN(seconds) || seconds < 0 || seconds > 253_402_300_799d)
        {
            return ClaimState.WrongType;
        }

        value = DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000));
        return ClaimState.Present;
    }

    public static ClaimState ReadBoolean(JsonElement claims, string name, out bool value)
    {
        value = false;
        if (claims.ValueKind != JsonValueKind.Object || !claims.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return ClaimState.Absent;
        }

        if (element.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            return ClaimState.WrongType;
        }

        value = element.GetBoolean();
        return ClaimState.Present;
    }

    /// <summary>Reads an array of strings. Every item must be a string.</summary>
    public static ClaimState ReadStringArray(JsonElement claims, string name, out IReadOnlyList<string> values)
    {
        values = [];
        if (claims.ValueKind != JsonValueKind.Object || !claims.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return ClaimState.Absent;
        }

        if (element.ValueKind != JsonValueKind.Array)
        {
            return ClaimState.WrongType;
        }

        var list = new List<string>(element.GetArrayLength());
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                return ClaimState.WrongType;
            }

            list.Add(item.GetString()!);
        }

        values = list;
        return ClaimState.Present;
    }

    /// <summary>Reads a claim that may be a string or an array of strings (<c>aud</c>).</summary>
    public static ClaimState ReadStringOrArray(JsonElement claims, string name, out IReadOnlyList<string> values)
    {
        var state = ReadString(claims, name, out var single);
        if (state == ClaimState.Present)
        {
            values = [single!];
            return state;
        }

        if (state == ClaimState.Absent)
        {
            values = [];
            return state;
        }

        return ReadStringArray(claims, name, out values);
    }
}
