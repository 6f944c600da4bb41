// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Globalization;
using System.Text;
using System.Text.Json;
using IdentityServer.Dcr.AspNetCore.Management;
using IdentityServer.Dcr.Auditing;
using IdentityServer.Dcr.EntityFramework.Stores;
using IdentityServer.Dcr.Models;
using Microsoft.AspNetCore.Antiforgery;

namespace IdentityServer.Dcr.Host.Operator;

/// <summary>
/// The operator area's pages (all behind <see cref="OperatorArea.PolicyName"/>): the registrations, searchable and
/// paged (<c>/operator</c>); one registration with its metadata, SSA claims, certificate, audit history and actions
/// (<c>/operator/registrations/{ClientId}</c>); the actions themselves (POST, antiforgery token, post-redirect-get with
/// a status message); and the activity chart (<c>/operator/activity</c>).
/// </summary>
internal static class OperatorPages
{
    /// <summary>
    /// The rows of the list per page unless the query asks for another number (at most
    /// <see cref="DcrRegistrationSearch.MaxPageSize"/>).
    /// </summary>
    public const int DefaultPageSize = 25;

    /// <summary>How many days the activity page shows unless the query asks for another number (1 to 90).</summary>
    public const int DefaultDays = 14;

    /// <summary>The most audit entries the registration page shows.</summary>
    public const int AuditEntries = 100;

    public static void Map(RouteGroupBuilder area)
    {
        area.MapGet(string.Empty, ListAsync);
        area.MapGet("/registrations/{clientId}", RegistrationAsync);
        area.MapPost(
            "/registrations/{clientId}/disable",
            (HttpContext context, string clientId, RegistrationAdministration administration, IAntiforgery antiforgery)
            => ActAsync(context, clientId, administration, antiforgery, OperatorAction.Disable));
        area.MapPost(
            "/registrations/{clientId}/enable",
            (HttpContext context, string clientId, RegistrationAdministration administration, IAntiforgery antiforgery)
            => ActAsync(context, clientId, administration, antiforgery, OperatorAction.Enable));
        area.MapPost(
            "/registrations/{clientId}/delete",
            (HttpContext context, string clientId, RegistrationAdministration administration, IAntiforgery antiforgery)
            => ActAsync(context, clientId, administration, antiforgery, OperatorAction.Delete));
        area.MapGet("/activity", ActivityAsync);
    }

    /// <summary>Validates the posted form's antiforgery token (the form has been read).</summary>
    /// <param name="context">The request.</param>
    /// <param name="antiforgery">The antiforgery service.</param>
    /// <returns><see langword="true"/> when the token is valid.</returns>
    public static async Task<bool> ValidAntiforgeryAsync(HttpContext context, IAntiforgery antiforgery)
    {
        if (!context.Request.HasFormContentType)
        {
            return false;
        }

        try
        {
            await antiforgery.ValidateRequestAsync(context);
            return true;
        }
        catch (AntiforgeryValidationException)
        {
            return false;
        }
    }

    /// <summary>The page of a form posted without a valid antiforgery token: nothing changed.</summary>
    /// <param name="context">The request.</param>
    /// <param name="antiforgery">The antiforgery service.</param>
    /// <returns>A 400 page.</returns>
    public static IResult FormRefused(HttpContext context, IAntiforgery antiforgery)
        => OperatorHtml.Page(context, antiforgery, "Form refused",
            "<h1>Form refused</h1><p role=\"alert\" class=\"problem\" id=\"error\">The form expired or did not "
            + "come from this page: nothing was changed. Go back, reload the page and try again.</p>",
            StatusCodes.Status400BadRequest);

    private static async Task<IResult> ListAsync(HttpContext context, EntityFrameworkClientRegistrationStore store, IAntiforgery antiforgery)
    {
        var query = context.Request.Query;
        var text = query["q"].ToString().Trim();
        if (text.Length > DcrRegistrationSearch.MaxTextLength)
        {
            text = text[..DcrRegistrationSearch.MaxTextLength];
        }

        var status = query["status"].ToString() switch
        {
            "enabled" => DcrRegistrationStatusFilter.Enabled,
            "disabled" => DcrRegistrationStatusFilter.Disabled,
            _ => DcrRegistrationStatusFilter.All,
        };
        var page = Math.Clamp(Number(query["page"], 1), 1, DcrRegistrationSearch.MaxPage);
        var size = Math.Clamp(Number(query["size"], DefaultPageSize), 1, DcrRegistrationSearch.MaxPageSize);

        DcrRegistrationSearchResult result;
        try
        {
            result = await store.SearchAsync(
                new DcrRegistrationSearch { Text = text, Status = status, Page = page, PageSize = size },
                context.RequestAborted);
        }
        catch (DcrInfrastructureException)
        {
            return Unavailable(context, antiforgery);
        }

        var root = context.Request.PathBase + OperatorArea.BasePath;
        var html = new StringBuilder(8192).Append("<h1>Registrations</h1>");
        if (query["done"].ToString() == "deleted" && query["client"].ToString() is { Length: > 0 } deleted
            && await store.FindByClientIdAsync(deleted, context.RequestAborted) is null)
        {
            html.Append("<p role=\"status\" class=\"notice\" id=\"message\">Registration <span class=\"id\">").Append(OperatorHtml.Encode(deleted))
                .Append("</span> deleted; its tokens were revoked.</p>");
        }
        else if (query["done"].ToString() == "not-found")
        {
            html.Append("<p role=\"alert\" class=\"problem\" id=\"message\">No such registration: it may have been deleted meanwhile.</p>");
        }

        html.Append("<form method=\"get\" action=\"").Append(OperatorHtml.Encode(root)).Append("\" role=\"search\" class=\"search\">")
            .Append(
                "<p><label for=\"q\">Search</label> <input id=\"q\" name=\"q\" type=\"search\" maxlength=\"256\" "
                + "aria-describedby=\"q-hint\" value=\"")
            .Append(OperatorHtml.Encode(text))
            .Append("\"><span id=\"q-hint\" class=\"hint\">Part of a client id, software id or organisation id</span></p>")
            .Append("<p><label for=\"status\">Status</label> <select id=\"status\" name=\"status\">")
            .Append(Option("all", "All", status == DcrRegistrationStatusFilter.All))
            .Append(Option("enabled", "Enabled", status == DcrRegistrationStatusFilter.Enabled))
            .Append(Option("disabled", "Disabled", status == DcrRegistrationStatusFilter.Disabled))
            .Append("</select></p><p><button type=\"submit\">Search</button></p></form>");

        html.Append(
            CultureInfo.InvariantCulture,
            $"<p id=\"count\">{result.TotalCount} {(result.TotalCount == 1 ? "registration" : "registrations")}")
            .Append(text.Length > 0 || status != DcrRegistrationStatusFilter.All ? " match." : ".").Append("</p>");
        if (result.Items.Count > 0)
        {
            html.Append(
                CultureInfo.InvariantCulture,
                $"<table id=\"registrations\"><caption>Registrations, newest first: page {result.Page} of {result.PageCount}</caption>")
                .Append(
                    "<thead><tr><th scope=\"col\">Client</th><th scope=\"col\">Software</th><th "
                    + "scope=\"col\">Organisation</th><th scope=\"col\">Status</th>")
                .Append("<th scope=\"col\">Created</th><th scope=\"col\">Certificate expires</th></tr></thead><tbody>");
            var now = DateTimeOffset.UtcNow;
            foreach (var registration in result.Items)
            {
                html.Append("<tr><td><a class=\"id\" href=\"")
                    .Append(OperatorHtml.Encode(OperatorHtml.RegistrationPath(context, registration.ClientId)))
                    .Append("\">")
                    .Append(OperatorHtml.Encode(registration.ClientId)).Append("</a></td><td>");
                if (registration.SoftwareName is { Length: > 0 } name)
                {
                    html.Append(OperatorHtml.Encode(name)).Append("<br>");
                }

                html.Append("<span class=\"id\">").Append(OperatorHtml.Encode(registration.SoftwareId)).Append("</span></td><td>");
                if (registration.OrganisationName is { Length: > 0 } organisation)
                {
                    html.Append(OperatorHtml.Encode(organisation)).Append("<br>");
                }

                html.Append("<span class=\"id\">").Append(OperatorHtml.Encode(registration.OrganisationId)).Append("</span></td><td>")
                    .Append(Status(registration.DisabledAt))
                    .Append("</td><td>")
                    .Append(OperatorHtml.Encode(OperatorHtml.Time(registration.ClientIdIssuedAt)))
                    .Append("</td><td>")
                    .Append(Expiry(registration.TransportCertificate, now)).Append("</td></tr>");
            }

            html.Append("</tbody></table>");
        }

        if (result.PageCount > 1)
        {
            string PageLink(int target) => root + "?" + QueryString(
                ("q", text),
                ("status", query["status"].ToString()),
                ("size", size == DefaultPageSize ? string.Empty : size.ToString(CultureInfo.InvariantCulture)),
                ("page", target.ToString(CultureInfo.InvariantCulture)));
            html.Append("<nav aria-label=\"Pages\" class=\"pages\">");
            if (result.Page > 1)
            {
                html.Append("<a rel=\"prev\" href=\"")
                    .Append(OperatorHtml.Encode(PageLink(Math.Min(result.Page - 1, result.PageCount))))
                    .Append("\">Previous page</a>");
            }

            html.Append(CultureInfo.InvariantCulture, $"<span>Page {result.Page} of {result.PageCount}</span>");
            if (result.Page < result.PageCount)
            {
                html.Append("<a rel=\"next\" href=\"").Append(OperatorHtml.Encode(PageLink(result.Page + 1))).Append("\">Next page</a>");
            }

            html.Append("</nav>");
        }

        return OperatorHtml.Page(context, antiforgery, "Registrations", html.ToString());
    }

    private static async Task<IResult> RegistrationAsync(
        HttpContext context,
        string clientId,
        EntityFrameworkClientRegistrationStore store,
        EntityFrameworkDcrAuditStore audit,
        IAntiforgery antiforgery)
    {
        ClientRegistration? registration;
        List<DcrAuditRecord> history;
        try
        {
            registration = await store.FindByClientIdAsync(clientId, context.RequestAborted);
            if (registration is null)
            {
                return OperatorHtml.Page(context, antiforgery, "No such registration",
                    "<h1>No such registration</h1><p role=\"alert\" class=\"problem\">There is no registration <span class=\"id\">"
                        + OperatorHtml.Encode(clientId)
                    + "</span>.</p><p><a href=\"" + OperatorHtml.Encode(
                        context.Request.PathBase + OperatorArea.BasePath) + "\">All registrations</a></p>",
                    StatusCodes.Status404NotFound);
            }

            // The software's entries (its refused attempts included) and the client's (a refused update may name the
            // client without a readable SSA), newest first.
            var bySoftware = await audit.FindAsync(
                new DcrAuditQuery { SoftwareId = registration.SoftwareId, Limit = AuditEntries },
                context.RequestAborted);
            var byClient = await audit.FindAsync(new DcrAuditQuery { ClientId = clientId, Limit = AuditEntries }, context.RequestAborted);
            history =
            [
                .. bySoftware.Concat(byClient)
                    .DistinctBy(e => e.Id)
                    .OrderByDescending(e => e.OccurredAt)
                    .ThenBy(e => e.Id)
                    .Take(AuditEntries),
            ];
        }
        catch (DcrInfrastructureException)
        {
            return Unavailable(context, antiforgery);
        }

        var claims = ParseClaims(registration.SoftwareStatementClaims);
        var softwareName = claims.FirstOrDefault(c => c.Name == "software_client_name").Value;
        var html = new StringBuilder(16384)
            .Append("<p><a href=\"")
            .Append(OperatorHtml.Encode(context.Request.PathBase + OperatorArea.BasePath))
            .Append("\">All registrations</a></p>")
            .Append("<h1>Registration <span class=\"id\">").Append(OperatorHtml.Encode(registration.ClientId)).Append("</span></h1>");
        var message = context.Request.Query["done"].ToString() switch
        {
            "disabled"
                => "The client is disabled: its client authentication, authorization requests and registration "
                    + "management are refused, and its tokens were revoked.",
            "enabled" => "The client is enabled again. Tokens revoked while it was disabled stay revoked; it asks for new ones.",
            _ => null,
        };
        if (message is not null)
        {
            html.Append("<p role=\"status\" class=\"notice\" id=\"message\">").Append(OperatorHtml.Encode(message)).Append("</p>");
        }
        else if (context.Request.Query["done"].ToString() == "confirm")
        {
            html.Append("<p role=\"alert\" class=\"problem\" id=\"message\">Nothing was deleted: tick the confirmation first.</p>");
        }

        html.Append("<section aria-labelledby=\"summary\"><h2 id=\"summary\">Summary</h2><dl>")
            .Append("<dt>Status</dt><dd id=\"status\">").Append(Status(registration.DisabledAt)).Append("</dd>")
            .Append("<dt>Software</dt><dd>");
        if (softwareName is { Length: > 0 })
        {
            html.Append(OperatorHtml.Encode(softwareName)).Append(' ');
        }

        html.Append("<span class=\"id\">").Append(OperatorHtml.Encode(registration.SoftwareId)).Append("</span></dd>")
            .Append("<dt>Organisation</dt><dd><span class=\"id\">").Append(OperatorHtml.Encode(registration.OrganisationId)).Append("</span></dd>")
            .Append("<dt>SSA issuer</dt><dd>").Append(OperatorHtml.Encode(registration.SoftwareStatementIssuer)).Append("</dd>")
            .Append("<dt>Created</dt><dd>").Append(OperatorHtml.Encode(OperatorHtml.Time(registration.ClientIdIssuedAt))).Append("</dd>")
            .Append("<dt>Last changed</dt><dd>").Append(OperatorHtml.Encode(OperatorHtml.Time(registration.UpdatedAt))).Append("</dd>")
            .Append("</dl></section>");

        AppendActions(html, context, antiforgery, registration);

        html.Append("<section aria-labelledby=\"certificate\"><h2 id=\"certificate\">Transport certificate</h2>");
        if (registration.TransportCertificate is { } certificate)
        {
            html.Append("<dl><dt>Thumbprint (SHA-256)</dt><dd class=\"id\" id=\"thumbprint\">")
                .Append(OperatorHtml.Encode(certificate.Thumbprint))
                .Append("</dd>")
                .Append("<dt>Subject</dt><dd class=\"id\">").Append(OperatorHtml.Encode(certificate.Subject)).Append("</dd>")
                .Append("<dt>Expires</dt><dd>").Append(Expiry(certificate, DateTimeOffset.UtcNow)).Append("</dd></dl>");
        }
        else
        {
            html.Append("<p>Not recorded (registered before certificates were kept).</p>");
        }

        html.Append("</section><section aria-labelledby=\"metadata\"><h2 id=\"metadata\">Registered metadata</h2>");
        AppendNameValueTable(html, "metadata-table", "The values the bank registered", Metadata(registration));
        html.Append("</section><section aria-labelledby=\"claims\"><h2 id=\"claims\">Software statement claims</h2>");
        AppendNameValueTable(html, "claims-table", "The claims of the software statement, as verified", claims);
        html.Append("</section>");
        AppendHistory(html, registration, history);
        return OperatorHtml.Page(context, antiforgery, "Registration " + registration.ClientId, html.ToString());
    }

    private static void AppendActions(StringBuilder html, HttpContext context, IAntiforgery antiforgery, ClientRegistration registration)
    {
        var token = OperatorHtml.AntiforgeryField(context, antiforgery);
        html.Append("<section aria-labelledby=\"actions\" class=\"actions\"><h2 id=\"actions\">Actions</h2>");
        if (registration.IsDisabled)
        {
            html.Append("<form method=\"post\" action=\"")
                .Append(OperatorHtml.Encode(OperatorHtml.RegistrationPath(context, registration.ClientId, "enable")))
                .Append("\">")
                .Append(token)
                .Append("<p>Enabling lets the client authenticate and be authorized again.</p><p><button type=\"submit\">Enable</button></p></form>");
        }
        else
        {
            html.Append("<form method=\"post\" action=\"")
                .Append(OperatorHtml.Encode(OperatorHtml.RegistrationPath(context, registration.ClientId, "disable")))
                .Append("\">")
                .Append(token).Append(
                    "<p>Disabling refuses the client's authentication, authorization requests and registration "
                    + "management, and revokes its tokens. The registration is kept.</p>")
                .Append("<p><button type=\"submit\">Disable</button></p></form>");
        }

        html.Append("<form method=\"post\" action=\"")
            .Append(OperatorHtml.Encode(OperatorHtml.RegistrationPath(context, registration.ClientId, "delete")))
            .Append("\">")
            .Append(token)
            .Append("<p>Deleting removes the registration and the server's client and revokes its tokens; the TPP must register again.</p>")
            .Append(
                "<p><input type=\"checkbox\" id=\"confirm-delete\" name=\"confirm\" value=\"yes\" required> "
                + "<label for=\"confirm-delete\">Delete this registration</label></p>")
            .Append("<p><button type=\"submit\" class=\"danger\">Delete</button></p></form></section>");
    }

    private static void AppendHistory(StringBuilder html, ClientRegistration registration, List<DcrAuditRecord> history)
    {
        html.Append("<section aria-labelledby=\"history\"><h2 id=\"history\">Audit history</h2>");
        if (history.Count == 0)
        {
            html.Append("<p>No entries.</p></section>");
            return;
        }

        html.Append("<table id=\"audit\"><caption>The software <span class=\"id\">").Append(OperatorHtml.Encode(registration.SoftwareId))
            .Append(CultureInfo.InvariantCulture, $"</span> and this client, newest first (at most {AuditEntries})</caption>")
            .Append(
                "<thead><tr><th scope=\"col\">Time</th><th scope=\"col\">Operation</th><th scope=\"col\">Outcome</th><th scope=\"col\">Error</th>")
            .Append("<th scope=\"col\">Client</th><th scope=\"col\">By</th><th scope=\"col\">Certificate</th></tr></thead><tbody>");
        foreach (var entry in history)
        {
            html.Append("<tr><td>").Append(OperatorHtml.Encode(OperatorHtml.Time(entry.OccurredAt))).Append("</td><td>")
                .Append(OperatorHtml.Encode(entry.Operation)).Append("</td><td>").Append(OperatorHtml.Encode(entry.Outcome)).Append("</td><td>")
                .Append(OperatorHtml.Encode(entry.ErrorCode))
                .Append("</td><td class=\"id\">")
                .Append(OperatorHtml.Encode(entry.ClientId))
                .Append("</td><td>")
                .Append(OperatorHtml.Encode(entry.Actor ?? "TPP")).Append("</td><td class=\"id\">")
                .Append(OperatorHtml.Encode(entry.CertificateSubject)).Append("</td></tr>");
        }

        html.Append("</tbody></table></section>");
    }

    private static async Task<IResult> ActAsync(
        HttpContext context,
        string clientId,
        RegistrationAdministration administration,
        IAntiforgery antiforgery,
        OperatorAction action)
    {
        if (!await ValidAntiforgeryAsync(context, antiforgery))
        {
            return FormRefused(context, antiforgery);
        }

        if (OperatorArea.OperatorName(context.User) is not { } name)
        {
            return OperatorHtml.Page(context, antiforgery, "Not changed",
                "<h1>Not changed</h1><p role=\"alert\" class=\"problem\">The operator sign-in gave no name (no "
                + "name or sub claim), which the audit trail needs: nothing was changed.</p>",
                StatusCodes.Status403Forbidden);
        }

        var list = context.Request.PathBase + OperatorArea.BasePath;
        if (action == OperatorAction.Delete && context.Request.Form["confirm"].ToString() != "yes")
        {
            return OperatorHtml.SeeOther(context, OperatorHtml.RegistrationPath(context, clientId) + "?done=confirm");
        }

        var actor = OperatorArea.ActorPrefix + name;
        try
        {
            var found = action switch
            {
                OperatorAction.Disable => await administration.DisableAsync(clientId, actor, context.RequestAborted),
                OperatorAction.Enable => await administration.EnableAsync(clientId, actor, context.RequestAborted),
                _ => await administration.DeleteAsync(clientId, actor, context.RequestAborted),
            };
            if (!found)
            {
                return OperatorHtml.SeeOther(context, list + "?done=not-found");
            }
        }
        catch (DcrInfrastructureException)
        {
            // The store's write is one transaction, but revoking the tokens comes after it: the change may be made
            // without the revocation.
            return Unavailable(
                context,
                antiforgery,
                "The registration store could not be reached: the change may not have been made, or its tokens "
                + "not revoked. Open the registration again to see its state, and repeat the action.");
        }

        return action switch
        {
            OperatorAction.Disable => OperatorHtml.SeeOther(context, OperatorHtml.RegistrationPath(context, clientId) + "?done=disabled"),
            OperatorAction.Enable => OperatorHtml.SeeOther(context, OperatorHtml.RegistrationPath(context, clientId) + "?done=enabled"),
            _ => OperatorHtml.SeeOther(context, list + "?" + QueryString(("done", "deleted"), ("client", clientId))),
        };
    }

    private static async Task<IResult> ActivityAsync(
        HttpContext context,
        EntityFrameworkDcrAuditStore audit,
        TimeProvider clock,
        IAntiforgery antiforgery)
    {
        var days = Math.Clamp(Number(context.Request.Query["days"], DefaultDays), 1, 90);
        var tomorrow = new DateTimeOffset(clock.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero).AddDays(1);
        IReadOnlyList<DcrAuditActivity> activity;
        try
        {
            activity = await audit.SummariseAsync(
                new DcrAuditActivityQuery { From = tomorrow.AddDays(-days), To = tomorrow },
                context.RequestAborted);
        }
        catch (DcrInfrastructureException)
        {
            return Unavailable(context, antiforgery);
        }

        var html = new StringBuilder(16384)
            .Append("<h1>Registrations and refusals</h1>")
            .Append(
                CultureInfo.InvariantCulture,
                $"<p>The last {days} days (UTC days), from the audit trail: registrations created and attempts refused, per day.</p>")
            .Append("<figure>").Append(OperatorChart.Render(activity))
            .Append(
                "<figcaption><span class=\"key key-created\"></span> Created <span class=\"key "
                + "key-refused\"></span> Refused. The same numbers, with updates, deletions and operator actions, "
                + "are in the table.</figcaption></figure>")
            .Append(
                "<table id=\"activity\"><caption>Per day (UTC)</caption><thead><tr><th scope=\"col\">Day</th><th "
                + "scope=\"col\">Created</th><th scope=\"col\">Refused</th>")
            .Append(
                "<th scope=\"col\">Updated</th><th scope=\"col\">Deleted</th><th scope=\"col\">Disabled</th><th "
                + "scope=\"col\">Enabled</th></tr></thead><tbody>");
        foreach (var day in activity)
        {
            html.Append(
                CultureInfo.InvariantCulture,
                $"<tr><th scope=\"row\">{day.Start.UtcDateTime:yyyy-MM-dd}</th><td "
                + $"class=\"number\">{day.Created}</td><td class=\"number\">{day.Refused}</td>")
                .Append(
                    CultureInfo.InvariantCulture,
                    $"<td class=\"number\">{day.Updated}</td><td class=\"number\">{day.Deleted}</td><td "
                    + $"class=\"number\">{day.Disabled}</td><td class=\"number\">{day.Enabled}</td></tr>");
        }

        html.Append("</tbody></table>");
        return OperatorHtml.Page(context, antiforgery, "Activity", html.ToString());
    }

    private static IResult Unavailable(
        HttpContext context,
        IAntiforgery antiforgery,
        string message = "The registration store cannot be reached just now. Try again shortly.")
        => OperatorHtml.Page(context, antiforgery, "Unavailable",
            "<h1>Unavailable</h1><p role=\"alert\" class=\"problem\">" + OperatorHtml.Encode(message) + "</p>",
            StatusCodes.Status503ServiceUnavailable);

    private static string Status(DateTimeOffset? disabledAt)
        => disabledAt is { } at
            ? "<span class=\"status-disabled\">Disabled</span> since " + OperatorHtml.Encode(OperatorHtml.Time(at))
            : "<span class=\"status-enabled\">Enabled</span>";

    private static string Expiry(TransportCertificateInfo? certificate, DateTimeOffset now)
    {
        if (certificate is null)
        {
            return "not recorded";
        }

        var when = OperatorHtml.Encode(OperatorHtml.Time(certificate.NotAfter));
        var days = (int)Math.Floor((certificate.NotAfter - now).TotalDays);
        return certificate.NotAfter <= now
            ? when + " <strong>(expired)</strong>"
            : days < 30
                ? when + string.Create(CultureInfo.InvariantCulture, $" <strong>(in {days} days)</strong>")
                : when;
    }

    private static string Option(string value, string text, bool selected)
        => $"<option value=\"{value}\"{(selected ? " selected" : string.Empty)}>{text}</option>";

    private static void AppendNameValueTable(StringBuilder html, string id, string caption, IEnumerable<(string Name, string Value)> rows)
    {
        html.Append("<table id=\"").Append(id).Append("\"><caption>").Append(OperatorHtml.Encode(caption)).Append("</caption>")
            .Append("<thead><tr><th scope=\"col\">Name</th><th scope=\"col\">Value</th></tr></thead><tbody>");
        foreach (var (name, value) in rows)
        {
            html.Append("<tr><th scope=\"row\" class=\"id\">")
                .Append(OperatorHtml.Encode(name))
                .Append("</th><td class=\"id\">")
                .Append(OperatorHtml.Encode(value))
                .Append("</td></tr>");
        }

        html.Append("</tbody></table>");
    }

    /// <summary>The registered values, with their RFC 7591 / OBIE names; only those that are set.</summary>
    private static IEnumerable<(string Name, string Value)> Metadata(ClientRegistration registration)
    {
        var metadata = registration.Metadata;
        var values = new (string Name, string? Value)[]
        {
            ("redirect_uris", string.Join(' ', metadata.RedirectUris)),
            ("token_endpoint_auth_method", metadata.TokenEndpointAuthMethod),
            ("token_endpoint_auth_signing_alg", metadata.TokenEndpointAuthSigningAlg),
            ("tls_client_auth_subject_dn", metadata.TlsClientAuthSubjectDn),
            ("grant_types", string.Join(' ', metadata.GrantTypes)),
            ("response_types", string.Join(' ', metadata.ResponseTypes)),
            ("scope", metadata.Scope),
            ("application_type", metadata.ApplicationType),
            ("id_token_signed_response_alg", metadata.IdTokenSignedResponseAlg),
            ("request_object_signing_alg", metadata.RequestObjectSigningAlg),
            ("jwks_uri", metadata.JwksUri),
            ("software_id", metadata.SoftwareId),
            ("backchannel_token_delivery_mode", metadata.BackchannelTokenDeliveryMode),
            ("backchannel_client_notification_endpoint", metadata.BackchannelClientNotificationEndpoint),
            ("backchannel_authentication_request_signing_alg", metadata.BackchannelAuthenticationRequestSigningAlg),
            ("backchannel_user_code_parameter_supported", metadata.BackchannelUserCodeParameterSupported switch
            {
                true => "true",
                false => "false",
                null => null,
            }),
            ("client_secret_expires_at", registration.ClientSecretHash is null ? null : SecretExpiry(registration.ClientSecretExpiresAt)),
        };
        return values.Where(v => !string.IsNullOrEmpty(v.Value)).Select(v => (v.Name, v.Value!));
    }

    /// <summary>The SSA's claims: strings as they are, other values as JSON.</summary>
    private static List<(string Name, string Value)> ParseClaims(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? [.. document.RootElement.EnumerateObject().Select(p => (p.Name, Text(p.Value)))]
                : [];
        }
        catch (JsonException)
        {
            return [("(unreadable)", json)];
        }
    }

    private static string SecretExpiry(DateTimeOffset? expires) => expires is { } at ? OperatorHtml.Time(at) : "never";

    private static string Text(JsonElement value)
        => value.ValueKind == JsonValueKind.String ? value.GetString() ?? string.Empty : value.GetRawText();

    private static int Number(Microsoft.Extensions.Primitives.StringValues value, int fallback)
        => int.TryParse(value.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : fallback;

    private static string QueryString(params (string Name, string Value)[] parameters)
        => string.Join(
            '&',
            parameters.Where(p => p.Value.Length > 0).Select(p => Uri.EscapeDataString(p.Name) + "=" + Uri.EscapeDataString(p.Value)));

    private enum OperatorAction
    {
        Disable,
        Enable,
        Delete,
    }
}
