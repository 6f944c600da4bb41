// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Collections.Concurrent;
using IdentityServer.Dcr.AspNetCore.Management;
using Microsoft.AspNetCore.Http;

namespace IdentityServer.Dcr.IntegrationTests.Infrastructure;

/// <summary>
/// Stands in for an authorization server in the management tests of the host-neutral endpoints: tokens are
/// <c>token-for:{client_id}</c>, and revocations are recorded. The OpenIddict and Duende plug-ins are tested with
/// their real token endpoints.
/// </summary>
public sealed class FakeAccessTokens : IRegistrationAccessTokenValidator, IClientTokenRevoker
{
    public const string Prefix = "token-for:";

    public ConcurrentBag<string> RevokedTokens { get; } = [];

    public ConcurrentBag<string> RevokedClients { get; } = [];

    public static string For(string clientId) => Prefix + clientId;

    public Task<RegistrationAccessTokenResult> ValidateAsync(HttpContext context, string accessToken, CancellationToken ct)
        => Task.FromResult(accessToken.StartsWith(Prefix, StringComparison.Ordinal) && !RevokedTokens.Contains(accessToken)
            && !RevokedClients.Contains(accessToken[Prefix.Length..])
            ? RegistrationAccessTokenResult.Success(accessToken[Prefix.Length..])
            : RegistrationAccessTokenResult.Fail("The access token is not valid."));

    public Task<bool> RevokeTokenAsync(RegistrationAccessTokenResult token, string accessToken, CancellationToken ct)
    {
        RevokedTokens.Add(accessToken);
        return Task.FromResult(true);
    }

    public Task RevokeClientTokensAsync(string clientId, CancellationToken ct)
    {
        RevokedClients.Add(clientId);
        return Task.CompletedTask;
    }
}
