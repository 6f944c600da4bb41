// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.OpenIddict.Applications;
using OpenIddict.Abstractions;
using OpenIddict.EntityFrameworkCore.Models;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace IdentityServer.Dcr.OpenIddict.Authentication;

/// <summary>
/// The token endpoint's use of the copies of registered <c>private_key_jwt</c> clients' applications kept across
/// requests (<see cref="DcrApplicationCacheOptions"/>):
/// <list type="bullet">
/// <item><see cref="UseDescriptor"/>: a token request reads them instead of the database. Other endpoints keep
/// OpenIddict's per-request cache: only the token endpoint checks the copy's version before it issues anything
/// (<see cref="RejectReplayedDcrClientAssertion"/>).</item>
/// <item><see cref="ForgetDescriptor"/>: after a registered client's token request is refused, its copy is dropped, so
/// a copy made before a write on another instance (a new authentication method) refuses the client once, not until it
/// expires; the next request reads the application from the database.</item>
/// </list>
/// </summary>
public sealed class DcrApplicationCacheHandlers : IOpenIddictServerHandler<ProcessRequestContext>, IOpenIddictServerHandler<ApplyTokenResponseContext>
{
    private readonly DcrApplicationCache? _cache;

    /// <summary>Creates the handlers.</summary>
    /// <param name="cache">The request's application cache (the plug-in's unless a bank replaced it).</param>
    public DcrApplicationCacheHandlers(IOpenIddictApplicationCache<OpenIddictEntityFrameworkCoreApplication> cache)
        => _cache = cache as DcrApplicationCache;

    /// <summary>Uses the copies: as soon as OpenIddict knows the request is a token request.</summary>
    public static OpenIddictServerHandlerDescriptor UseDescriptor { get; }
        = OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessRequestContext>()
            .AddFilter<OpenIddictServerHandlerFilters.RequireTokenRequest>()
            .UseScopedHandler<DcrApplicationCacheHandlers>()
            .SetOrder(OpenIddictServerHandlers.InferEndpointType.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <summary>Forgets a refused client's copy: before the token response is written.</summary>
    public static OpenIddictServerHandlerDescriptor ForgetDescriptor { get; }
        = OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyTokenResponseContext>()
            .UseScopedHandler<DcrApplicationCacheHandlers>()
            .SetOrder(int.MinValue + 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <inheritdoc />
    public ValueTask HandleAsync(ProcessRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _cache?.UseSnapshots();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask HandleAsync(ApplyTokenResponseContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!string.IsNullOrEmpty(context.Response.Error) && DcrClientAuthenticationState.Get(context.Transaction) is { } state)
        {
            _cache?.Forget(state.Client.ClientId);
        }

        return ValueTask.CompletedTask;
    }
}
