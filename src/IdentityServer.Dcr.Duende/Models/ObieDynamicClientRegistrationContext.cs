// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Claims;
using Duende.IdentityServer.Configuration.Models.DynamicClientRegistration;
using IdentityServer.Dcr.Registration;

namespace IdentityServer.Dcr.Duende.Models;

/// <summary>
/// Duende's registration context for an OBIE request: Duende's <see cref="DynamicClientRegistrationContext.Request"/> and
/// <see cref="DynamicClientRegistrationContext.Client"/>, plus the engine's typed per-request state in <see cref="Dcr"/>.
/// </summary>
/// <remarks>
/// Created by the adapter's endpoints; <see cref="DynamicClientRegistrationContext.Request"/> starts empty and is filled
/// from the verified signed request by the validator's software statement step.
/// </remarks>
public class ObieDynamicClientRegistrationContext : DynamicClientRegistrationContext
{
    /// <summary>Creates the context.</summary>
    /// <param name="dcr">The engine's request context (body, certificate, operation).</param>
    /// <param name="caller">The HTTP user.</param>
    /// <param name="ct">Cancels the request (Duende 7's steps take no token).</param>
    public ObieDynamicClientRegistrationContext(DcrRequestContext dcr, ClaimsPrincipal caller, CancellationToken ct)
        : base(new DynamicClientRegistrationRequest(), caller)
    {
        ArgumentNullException.ThrowIfNull(dcr);
        Dcr = dcr;
        CancellationToken = ct;
    }

    /// <summary>The engine's request context: the verified software statement, request token and registered metadata once validated.</summary>
    public DcrRequestContext Dcr { get; }

    /// <summary>Cancels the request.</summary>
    public CancellationToken CancellationToken { get; }
}
