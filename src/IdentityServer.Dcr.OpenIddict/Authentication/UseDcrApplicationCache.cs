// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.OpenIddict.Applications;
using OpenIddict.Abstractions;
using OpenIddict.EntityFrameworkCore.Models;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace IdentityServer.Dcr.OpenIddict.Authentication;

/// <summary>
/// Lets a token request read registered <c>private_key_jwt</c> clients' applications from the copies kept across
/// requests (<see cref="DcrApplicationCacheOptions"/>) instead of the database. Other endpoints keep OpenIddict's
/// per-request cache: only the token endpoint checks the copy's version before it issues anything
/// (<see cref="RejectReplayedDcrClientAssertion"/>).
/// </summary>
public sealed class UseDcrApplicationCache : IOpenIddictServerHandler<ProcessRequestContext>
{
    private readonly IOpenIddictApplicationCache<OpenIddictEntityFrameworkCoreApplication> _cache;

    /// <summary>Creates the handler.</summary>
    /// <param name="cache">The request's application cache.</param>
    public UseDcrApplicationCache(IOpenIddictApplicationCache<OpenIddictEntityFrameworkCoreApplication> cache) => _cache = cache;

    /// <summary>The descriptor: as soon as OpenIddict knows which endpoint the request is for.</summary>
    public static OpenIddictServerHandlerDescriptor Descriptor { get; }
        = OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessRequestContext>()
            .UseScopedHandler<UseDcrApplicationCache>()
            .SetOrder(OpenIddictServerHandlers.InferEndpointType.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <inheritdoc />
    public ValueTask HandleAsync(ProcessRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.EndpointType == OpenIddictServerEndpointType.Token && _cache is DcrApplicationCache cache)
        {
            cache.UseSnapshots();
        }

        return ValueTask.CompletedTask;
    }
}
