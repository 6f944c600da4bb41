// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json.Nodes;
using IdentityServer.Dcr.Models;

namespace IdentityServer.Dcr.Registration;

/// <summary>
/// The whole registration pipeline behind <c>POST /register</c>, independent of any web host. Host adapters
/// (ASP.NET Core, Duende, OpenIddict) build a <see cref="DcrRequest"/> and write the result.
/// </summary>
/// <remarks>
/// Stages, in order: read the body (<see cref="RequestParsing.IRegistrationRequestReader"/>); check the transport
/// certificate (<see cref="Validation.ITransportCertificateValidator"/>); verify the software statement
/// (<see cref="Validation.ISoftwareStatementValidator"/>); bind the certificate to it; verify the request signature and
/// envelope (<see cref="Validation.IRequestObjectValidator"/>); validate the metadata
/// (<see cref="Validation.IClientMetadataValidator"/>); raise <see cref="DcrEvents.OnRequestValidated"/>; store the
/// client (<see cref="Processing.IRegistrationProcessor"/>); build the response
/// (<see cref="ResponseGeneration.IRegistrationResponseGenerator"/>). The first failure stops the pipeline and nothing
/// is stored. Replace a stage in DI to change it.
/// </remarks>
public interface IRegistrationService
{
    /// <summary>Registers a client.</summary>
    /// <param name="request">The request as received.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>The response body for a 201, or the error for a 400.</returns>
    /// <exception cref="DcrInfrastructureException">A dependency (JWKS host, store) failed: answer 503.</exception>
    Task<DcrResult<JsonObject>> RegisterAsync(DcrRequest request, CancellationToken ct);

    /// <summary>
    /// Replaces a client's metadata (<c>PUT /register/{ClientId}</c>): the whole pipeline runs again on the new signed
    /// request; the software statement must be for the same software and organisation. The client identifier, its
    /// issue time and any secret are kept, so tokens already issued stay valid.
    /// </summary>
    /// <param name="clientId">The client identifier; the caller has already checked that the registration exists and the caller owns it.</param>
    /// <param name="request">The request as received.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>The response body for a 200, or the error for a 400.</returns>
    /// <exception cref="DcrInfrastructureException">A dependency failed: answer 503.</exception>
    Task<DcrResult<JsonObject>> UpdateAsync(string clientId, DcrRequest request, CancellationToken ct);

    /// <summary>
    /// Replaces the metadata of a registration the caller has just read (<c>PUT /register/{ClientId}</c>: the management
    /// endpoint reads it once, to check the caller's token and certificate against it). As
    /// <see cref="UpdateAsync(string, DcrRequest, CancellationToken)"/>, without reading it again: the update is written only
    /// if the registration still has <paramref name="existing"/>'s concurrency stamp, and is applied on top of a newer
    /// one otherwise.
    /// </summary>
    /// <param name="existing">The registration as read.</param>
    /// <param name="request">The request as received.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>The response body for a 200, or the error for a 400.</returns>
    /// <exception cref="DcrInfrastructureException">A dependency failed: answer 503.</exception>
    /// <remarks>The default reads the registration again through <see cref="UpdateAsync(string, DcrRequest, CancellationToken)"/>.</remarks>
    Task<DcrResult<JsonObject>> UpdateAsync(ClientRegistration existing, DcrRequest request, CancellationToken ct)
        => UpdateAsync((existing ?? throw new ArgumentNullException(nameof(existing))).ClientId, request, ct);

    /// <summary>The response body of <c>GET /register/{ClientId}</c> for a registration the caller has just read.</summary>
    /// <param name="registration">The registration as read.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>The body, or <see langword="null"/> when there is no such client.</returns>
    /// <remarks>The default reads the registration again through <see cref="GetAsync(string, CancellationToken)"/>.</remarks>
    Task<JsonObject?> GetAsync(ClientRegistration registration, CancellationToken ct)
        => GetAsync((registration ?? throw new ArgumentNullException(nameof(registration))).ClientId, ct);

    /// <summary>Reads a registration as the response body of <c>GET /register/{ClientId}</c>.</summary>
    /// <param name="clientId">The client identifier.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>The body, or <see langword="null"/> when there is no such client.</returns>
    Task<JsonObject?> GetAsync(string clientId, CancellationToken ct);

    /// <summary>
    /// Disables a client, or enables it again (an operator's action; no OBIE endpoint does this). A disabled client keeps
    /// its registration, but its client authentication, authorization requests and registration management are refused
    /// until it is enabled; the caller revokes the tokens it already holds.
    /// </summary>
    /// <param name="clientId">The client identifier.</param>
    /// <param name="disabled"><see langword="true"/> to disable, <see langword="false"/> to enable.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns><see langword="true"/> when the registration exists (and is now in that state).</returns>
    /// <exception cref="DcrInfrastructureException">The store failed.</exception>
    Task<bool> SetDisabledAsync(string clientId, bool disabled, CancellationToken ct);

    /// <summary>Deletes a registration (<c>DELETE /register/{ClientId}</c>).</summary>
    /// <param name="clientId">The client identifier.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns><see langword="true"/> when a registration was deleted.</returns>
    Task<bool> DeleteAsync(string clientId, CancellationToken ct);
}
