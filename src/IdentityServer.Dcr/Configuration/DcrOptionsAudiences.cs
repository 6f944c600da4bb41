// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Configuration;

/// <summary>Derives the accepted <c>aud</c> values of registration requests.</summary>
internal static class DcrOptionsAudiences
{
    public static IReadOnlyList<string> Get(DcrOptions options)
    {
        if (options.RequestObject.AcceptedAudiences.Count > 0)
        {
            return [.. options.RequestObject.AcceptedAudiences];
        }

        return options.Issuer is { Length: > 0 } issuer ? [issuer] : [];
    }
}
