// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace IdentityServer.Dcr.OpenIddict.Authorization;

/// <summary>
/// Adds <c>s_hash</c> to the front-channel ID token when the (verified) request carried a <c>state</c>: FAPI 1
/// Advanced 5.2.2.1-5 makes the ID token a detached signature of the state too. OpenIddict adds <c>c_hash</c> itself.
/// The hash is SHA-256, the one of PS256 and ES256 (the algorithms a registered client can have).
/// </summary>
public sealed class AttachDcrStateHash : IOpenIddictServerHandler<ProcessSignInContext>
{
    /// <summary>The descriptor: after OpenIddict's token digests, before the ID token is generated.</summary>
    public static OpenIddictServerHandlerDescriptor Descriptor { get; }
        = OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
            .UseSingletonHandler<AttachDcrStateHash>()
            .SetOrder(OpenIddictServerHandlers.AttachTokenDigests.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <inheritdoc />
    public ValueTask HandleAsync(ProcessSignInContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.EndpointType != OpenIddictServerEndpointType.Authorization || context.IdentityTokenPrincipal is null
            || context.Request?.State is not { Length: > 0 } state)
        {
            return ValueTask.CompletedTask;
        }

        var digest = SHA256.HashData(Encoding.ASCII.GetBytes(state));
        context.IdentityTokenPrincipal.SetClaim("s_hash", Base64UrlEncoder.Encode(digest, 0, digest.Length / 2));
        return ValueTask.CompletedTask;
    }
}
