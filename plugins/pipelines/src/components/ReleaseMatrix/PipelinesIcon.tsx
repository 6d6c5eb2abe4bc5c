import SvgIcon, { SvgIconProps } from '@material-ui/core/SvgIcon';

/** The pipelines icon: three stages joined by a line (for the sidebar). @public */
export function PipelinesIcon(props: SvgIconProps) {
  return (
    <SvgIcon {...props}>
      <path d="M2 11h3.2a3 3 0 0 1 5.6 0h2.4a3 3 0 0 1 5.6 0H22v2h-3.2a3 3 0 0 1-5.6 0h-2.4a3 3 0 0 1-5.6 0H2z" />
    </SvgIcon>
  );
}
