// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Registration;

namespace IdentityServer.Dcr.RequestParsing;

/// <summary>
/// Reads the registration request body: content type, size, and the compact JWS it must be.
/// </summary>
/// <remarks>
/// First stage of the pipeline. Nothing is trusted yet: the header and payload are parsed so that later stages can
/// find keys (two-phase validation). The default <see cref="RegistrationRequestReader"/> accepts
/// <c>application/jose</c>, <c>application/jwt</c> and <c>application/json</c> (a raw JWS, or a JSON string holding
/// one), all of which TPPs send in the field.
/// </remarks>
public interface IRegistrationRequestReader
{
    /// <summary>Reads the body of <see cref="DcrRequestContext.Request"/>.</summary>
    /// <param name="context">The request context.</param>
    /// <returns>Success, or the error to return.</returns>
    DcrStepResult Read(DcrRequestContext context);
}
