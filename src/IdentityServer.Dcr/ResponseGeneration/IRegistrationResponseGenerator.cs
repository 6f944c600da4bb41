// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json.Nodes;
using IdentityServer.Dcr.Models;

namespace IdentityServer.Dcr.ResponseGeneration;

/// <summary>
/// Builds the registration response body (<c>OBClientRegistration1</c>): every registered field, the software
/// statement's claims flattened to top level, and the client credentials.
/// </summary>
/// <remarks>
/// Used for the 201 of POST and, without the secret, for GET and PUT. The default
/// <see cref="RegistrationResponseGenerator"/> keeps the OpenAPI field types (integers stay integers, strings
/// stay strings) and lets registered values win over SSA claims of the same name.
/// </remarks>
public interface IRegistrationResponseGenerator
{
    /// <summary>Builds the response body for <paramref name="registration"/>.</summary>
    /// <param name="registration">The stored registration.</param>
    /// <param name="clientSecret">The plain client secret, on creation only.</param>
    /// <returns>The JSON object to return.</returns>
    JsonObject CreateResponse(ClientRegistration registration, string? clientSecret);
}
