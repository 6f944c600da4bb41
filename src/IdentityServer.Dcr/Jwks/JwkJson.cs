// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Runtime.CompilerServices;
using Jose;

namespace IdentityServer.Dcr.Jwks;

/// <summary>
/// The JSON of a key found by <see cref="IJwksResolver"/>, written once per key object: the resolver's cache hands out
/// the same <see cref="Jwk"/> for as long as it keeps the JWKS, so a plug-in that passes the key on as JSON (to Duende's
/// secret validators, to Microsoft.IdentityModel) does not serialise it again for every request.
/// </summary>
public static class JwkJson
{
    private static readonly ConditionalWeakTable<Jwk, string> Written = new();

    /// <summary>The key's JSON (<see cref="Jwk.ToJson(IJsonMapper)"/> with jose-jwt's default mapper).</summary>
    /// <param name="key">The key; it must not be changed after it is first written.</param>
    /// <returns>The JSON.</returns>
    public static string Of(Jwk key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Written.GetValue(key, static k => k.ToJson(JWT.DefaultSettings.JsonMapper));
    }
}
