// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace IdentityServer.Dcr.Host.Operator;

/// <summary>
/// The demo banks' operator area under <c>/operator</c>, one implementation for both hosts: the registrations (list,
/// search, one registration with its audit history), disabling, enabling and deleting a client through
/// <see cref="AspNetCore.Management.RegistrationAdministration"/>, and a chart of registrations and refusals. Server-rendered
/// HTML, no script, POST forms with antiforgery tokens.
/// </summary>
/// <remarks>
/// <para>
/// <c>Operator:Enabled</c> switches it on (default: on in Development, off elsewhere). Every page requires the
/// authorization policy named <see cref="PolicyName"/>, which the bank registers with its own operator sign-in, for
/// example <c>builder.Services.AddAuthorizationBuilder().AddPolicy("DcrOperator", p =&gt; p.RequireRole("dcr-operator"))</c>.
/// Enabled without that policy, the host refuses to start (<see cref="EnsureOperatorPolicyAsync"/>, the first step of
/// its initialisation), naming the setting and the policy.
/// </para>
/// <para>
/// In Development the area brings its own sign-in (<see cref="SandboxOperatorSignIn"/>: user <c>operator</c>, password
/// <c>sandbox</c>, a cookie scheme of its own) and registers the policy over it, unless <c>Operator:SandboxSignIn</c> is
/// <see langword="false"/>. It is never used outside Development, whatever the setting says.
/// </para>
/// </remarks>
internal static class OperatorArea
{
    /// <summary>The authorization policy every operator page requires.</summary>
    public const string PolicyName = "DcrOperator";

    /// <summary>The setting that switches the area on.</summary>
    public const string EnabledSetting = "Operator:Enabled";

    /// <summary>The setting that, in Development, turns the sandbox sign-in off (the bank's policy is then required there too).</summary>
    public const string SandboxSignInSetting = "Operator:SandboxSignIn";

    /// <summary>Where the area is mapped.</summary>
    public const string BasePath = "/operator";

    /// <summary>The prefix of the audit trail's actor: <c>operator:&lt;name&gt;</c>.</summary>
    public const string ActorPrefix = "operator:";

    /// <summary>Whether the area is on: <c>Operator:Enabled</c>, by default only in Development.</summary>
    /// <param name="configuration">The configuration.</param>
    /// <param name="environment">The environment.</param>
    /// <returns><see langword="true"/> when the area is on.</returns>
    public static bool IsEnabled(IConfiguration configuration, IHostEnvironment environment)
        => configuration.GetValue<bool?>(EnabledSetting) ?? environment.IsDevelopment();

    /// <summary>Registers the area's services when it is on, and in Development its sandbox sign-in and policy.</summary>
    /// <param name="builder">The host builder.</param>
    /// <returns><paramref name="builder"/>.</returns>
    public static WebApplicationBuilder AddOperatorArea(this WebApplicationBuilder builder)
    {
        if (!IsEnabled(builder.Configuration, builder.Environment))
        {
            return builder;
        }

        var sandbox = builder.Environment.IsDevelopment() && (builder.Configuration.GetValue<bool?>(SandboxSignInSetting) ?? true);
        builder.Services.AddSingleton(new OperatorAreaSettings(sandbox));
        builder.Services.AddAntiforgery();
        builder.Services.AddAuthorization();
        if (sandbox)
        {
            SandboxOperatorSignIn.Add(builder);
        }

        return builder;
    }

    /// <summary>
    /// Refuses to go on when the area is on and no authorization policy named <see cref="PolicyName"/> exists: outside
    /// Development (or with the sandbox sign-in off) the bank must supply it. Called first by the hosts' initialisation,
    /// before the database is touched.
    /// </summary>
    /// <param name="app">The application.</param>
    /// <returns>A task that completes when the policy was found, or the area is off.</returns>
    /// <exception cref="InvalidOperationException">The area is on without the policy.</exception>
    public static async Task EnsureOperatorPolicyAsync(this WebApplication app)
    {
        if (app.Services.GetService<OperatorAreaSettings>() is null)
        {
            return;
        }

        if (await app.Services.GetRequiredService<IAuthorizationPolicyProvider>().GetPolicyAsync(PolicyName) is null)
        {
            throw new InvalidOperationException(
                $"{EnabledSetting} is true, but no authorization policy named '{PolicyName}' is registered. The operator area "
                + $"(/operator) can disable and delete any client: register the bank's operator policy "
                + $"(services.AddAuthorizationBuilder().AddPolicy(\"{PolicyName}\", ...), with the bank's operator sign-in), "
                + $"or set {EnabledSetting} to false. The sandbox operator sign-in exists in Development only.");
        }
    }

    /// <summary>
    /// Maps the area (when it is on) behind <see cref="PolicyName"/>, with the authorization middleware here, after the
    /// host's authentication; in Development also the sandbox sign-in.
    /// </summary>
    /// <param name="app">The application.</param>
    /// <returns><paramref name="app"/>.</returns>
    public static WebApplication MapOperatorArea(this WebApplication app)
    {
        if (app.Services.GetService<OperatorAreaSettings>() is not { } settings)
        {
            return app;
        }

        app.UseAuthorization();
        app.MapGet(BasePath + "/operator.css", (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-cache";
            context.Response.Headers["X-Content-Type-Options"] = "nosniff";
            return Results.Text(OperatorHtml.Stylesheet, "text/css; charset=utf-8");
        }).AllowAnonymous();
        if (settings.SandboxSignIn)
        {
            SandboxOperatorSignIn.Map(app);
        }

        // Every other page and form of the area needs the policy; antiforgery tokens are checked by the handlers.
        var area = app.MapGroup(BasePath).RequireAuthorization(PolicyName).DisableAntiforgery();
        OperatorPages.Map(area);
        if (settings.SandboxSignIn)
        {
            SandboxOperatorSignIn.MapSignOut(area);
        }

        return app;
    }

    /// <summary>The signed-in operator's name: the identity's name, else its <c>sub</c> claim.</summary>
    /// <param name="user">The user the policy admitted.</param>
    /// <returns>The name; <see langword="null"/> when the bank's sign-in gives neither (the pages then change nothing).</returns>
    public static string? OperatorName(ClaimsPrincipal user)
        => user.Identity?.Name is { Length: > 0 } name ? name
            : user.FindFirst("sub")?.Value is { Length: > 0 } subject ? subject
            : null;
}

/// <summary>The area is on; <paramref name="SandboxSignIn"/>: with the Development sign-in.</summary>
/// <param name="SandboxSignIn">Whether the sandbox sign-in is mapped.</param>
internal sealed record OperatorAreaSettings(bool SandboxSignIn);
