// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json.Nodes;
using Duende.IdentityServer.Configuration.Models.DynamicClientRegistration;

namespace IdentityServer.Dcr.Duende.Models;

/// <summary>
/// A successful OBIE registration: Duende's response type (so Duende's response generator contract holds) carrying the
/// body built by the engine's <see cref="IdentityServer.Dcr.ResponseGeneration.IRegistrationResponseGenerator"/>.
/// </summary>
public class ObieDynamicClientRegistrationResponse : DynamicClientRegistrationResponse
{
    /// <summary>Creates the response.</summary>
    /// <param name="body">The OBIE response body (snake_case, SSA claims flattened).</param>
    public ObieDynamicClientRegistrationResponse(JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(body);
        Body = body;
    }

    /// <summary>The OBIE response body, written as is.</summary>
    public JsonObject Body { get; }
}
