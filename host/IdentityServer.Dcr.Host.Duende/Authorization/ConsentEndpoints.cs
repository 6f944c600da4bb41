// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Collections.Specialized;
using Duende.IdentityServer;
using Duende.IdentityServer.Endpoints.Results;
using Duende.IdentityServer.Hosting;
using Duende.IdentityServer.ResponseHandling;
using Duende.IdentityServer.Services;
using Duende.IdentityServer.Validation;
using IdentityServer.Dcr.Authorization;
using IdentityServer.Dcr.Duende.Authorization;
using IdentityServer.Dcr.Host.Development;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.WebUtilities;

namespace IdentityServer.Dcr.Host.Duende.Authorization;

/// <summary>
/// The sandbox bank's sign-in and consent page on Duende IdentityServer (Development only): Duende's login and consent
/// URL. Duende sends the customer's browser here with the authorize request in <c>returnUrl</c>; the page validates it
/// again (Duende's validator, with the engine's rules for registered clients), shows the intent's permissions
/// (<see cref="SandboxConsentPage"/>, shared with the OpenIddict demo bank) and records the customer's decision on the
/// intent (<see cref="IIntentStore.TrySettleAsync"/>). Approval completes Duende's authorize request for that customer
/// (Duende's response generator and writer: the code, and the ID token for <c>code id_token</c>); rejection sends
/// <c>access_denied</c> with the request object's state to the TPP. The customer is not kept signed in: every
/// authorization of a registered client comes back to this page.
/// </summary>
internal static class ConsentEndpoints
{
    /// <summary>The page's path (Duende's <c>UserInteraction.LoginUrl</c> and <c>ConsentUrl</c>).</summary>
    public const string Path = "/connect/consent";

    /// <summary>
    /// Duende's error page (<c>UserInteraction.ErrorUrl</c>): errors that must not go back to a client (an unknown
    /// client, an untrusted redirect URI).
    /// </summary>
    public const string ErrorPath = "/connect/error";

    /// <summary>The query and form field holding Duende's authorize callback URL.</summary>
    public const string ReturnUrlParameter = "returnUrl";

    public static WebApplication MapConsent(this WebApplication app)
    {
        app.MapMethods(Path, [HttpMethods.Get, HttpMethods.Post], HandleAsync).DisableAntiforgery();
        app.MapGet(ErrorPath, ErrorAsync);
        return app;
    }

    private static async Task<IResult> HandleAsync(
        HttpContext context,
        IIdentityServerInteractionService interaction,
        IAuthorizeRequestValidator validator,
        IAuthorizeResponseGenerator responses,
        IIntentStore intents,
        IAntiforgery antiforgery,
        IConfiguration configuration)
    {
        var ct = context.RequestAborted;
        var returnUrl = context.Request.HasFormContentType
            ? (await context.Request.ReadFormAsync(ct))[ReturnUrlParameter].ToString()
            : context.Request.Query[ReturnUrlParameter].ToString();
        var query = returnUrl.IndexOf('?', StringComparison.Ordinal);
        if (!interaction.IsValidReturnUrl(returnUrl) || query < 0)
        {
            return Results.Content("The page needs a pending authorization request.", "text/plain", statusCode: StatusCodes.Status400BadRequest);
        }

        var parameters = new NameValueCollection();
        foreach (var (name, values) in QueryHelpers.ParseQuery(returnUrl[query..]))
        {
            foreach (var value in values)
            {
                parameters.Add(name, value);
            }
        }

        // Validated again, as Duende's callback would: the request object, and the intent still awaiting authorisation.
        var validation = await validator.ValidateAsync(parameters);
        if (validation.IsError)
        {
            return Complete(
                new AuthorizeResponse
                {
                    Request = validation.ValidatedRequest,
                    Error = validation.Error,
                    ErrorDescription = validation.ErrorDescription,
                });
        }

        var request = validation.ValidatedRequest;
        var intent = request.GetObieIntentId() is { } intentId ? await intents.FindAsync(intentId, ct) : null;
        if (intent is null || intent.ClientId != request.ClientId)
        {
            return Deny(request, "The request names no intent of this client.");
        }

        var form = await SandboxConsentPage.ReadAsync(context, antiforgery, configuration);
        if (form is not { Customer: { } customer, Approved: { } approved })
        {
            return SandboxConsentPage.Render(context, antiforgery, intent, form.Error, [(ReturnUrlParameter, returnUrl)]);
        }

        if (!await intents.TrySettleAsync(intent.IntentId, intent.ClientId, approved, customer, ct))
        {
            return Deny(request, "The intent no longer awaits authorisation.");
        }

        if (!approved)
        {
            return Deny(request, "The customer rejected the request.");
        }

        request.Subject = new IdentityServerUser(customer)
        {
            DisplayName = customer,
            IdentityProvider = IdentityServerConstants.LocalIdentityProvider,
            AuthenticationTime = DateTime.UtcNow,
            AuthenticationMethods = { "pwd" },
        }.CreatePrincipal();
        return Complete(await responses.CreateResponseAsync(request));
    }

    private static EndpointResultAdapter Deny(ValidatedAuthorizeRequest request, string description)
        => Complete(new AuthorizeResponse { Request = request, Error = "access_denied", ErrorDescription = description });

    /// <summary>Duende's authorize result, written by Duende's writer (with the plug-in's handling of registered clients' errors).</summary>
    private static EndpointResultAdapter Complete(AuthorizeResponse response) => new EndpointResultAdapter(new AuthorizeResult(response));

    private sealed class EndpointResultAdapter(IEndpointResult result) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => result.ExecuteAsync(httpContext);
    }

    /// <summary>The bank's error page: Duende's error message for the request, plain HTML, 400; never a redirect to the client.</summary>
    private static async Task<IResult> ErrorAsync(
        HttpContext context,
        global::Duende.IdentityServer.Services.IIdentityServerInteractionService interaction,
        string? errorId)
    {
        var error = errorId is null ? null : await interaction.GetErrorContextAsync(errorId);
        var code = System.Net.WebUtility.HtmlEncode(error?.Error ?? "invalid_request");
        var description = System.Net.WebUtility.HtmlEncode(error?.ErrorDescription ?? "The authorization request cannot be processed.");
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["X-Frame-Options"] = "DENY";
        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";
        return Results.Content(
            $"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Authorization error - "
            + $"IdentityServer.Dcr sandbox bank</title></head><body><main><h1>The request cannot be "
            + $"processed</h1><p id=\"error\">{code}</p><p>{description}</p></main></body></html>",
            "text/html; charset=utf-8",
            System.Text.Encoding.UTF8,
            StatusCodes.Status400BadRequest);
    }
}
