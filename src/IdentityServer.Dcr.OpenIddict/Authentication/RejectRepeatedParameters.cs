// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace IdentityServer.Dcr.OpenIddict.Authentication;

/// <summary>
/// Refuses a token or pushed authorization request that sends a parameter more than once with <c>invalid_request</c>
/// (RFC 6749 section 3.1: "Request and response parameters MUST NOT be included more than once"). OpenIddict reads a
/// repeated parameter as an array, whose string value is <see langword="null"/>: a repeated <c>scope</c> read as no
/// scope, which the client credentials grant takes as every scope of the registration; a repeated <c>grant_type</c> or
/// <c>client_id</c> reported as missing. The parameters that may repeat, RFC 8707's <c>resource</c> and RFC 8693's
/// <c>audience</c>, are let through.
/// </summary>
public sealed class RejectRepeatedParameters :
    IOpenIddictServerHandler<ValidateTokenRequestContext>,
    IOpenIddictServerHandler<ValidatePushedAuthorizationRequestContext>
{
    /// <summary>The descriptor at the token endpoint: before any of OpenIddict's own checks.</summary>
    public static OpenIddictServerHandlerDescriptor TokenDescriptor { get; }
        = OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenRequestContext>()
            .UseSingletonHandler<RejectRepeatedParameters>()
            .SetOrder(int.MinValue + 50_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <summary>The descriptor at the pushed authorization endpoint: before any of OpenIddict's own checks.</summary>
    public static OpenIddictServerHandlerDescriptor PushedAuthorizationDescriptor { get; }
        = OpenIddictServerHandlerDescriptor.CreateBuilder<ValidatePushedAuthorizationRequestContext>()
            .UseSingletonHandler<RejectRepeatedParameters>()
            .SetOrder(int.MinValue + 50_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <inheritdoc />
    public ValueTask HandleAsync(ValidateTokenRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Check(context, context.Request);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask HandleAsync(ValidatePushedAuthorizationRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Check(context, context.Request);
        return ValueTask.CompletedTask;
    }

    private static void Check(BaseValidatingContext context, OpenIddictRequest request)
    {
        foreach (var (name, value) in request.GetParameters())
        {
            if (value.Count > 1 && name is not (Parameters.Resource or Parameters.Audience))
            {
                context.Reject(Errors.InvalidRequest, DcrErrorDescriptions.ParameterRepeated(name));
                return;
            }
        }
    }
}
